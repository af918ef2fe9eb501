//! What the CRM list pages share: their links (filters, sort, next page, export) built from one
//! query string, the sortable column headers, and the sort choices.

use crate::shared::params::urlencode;
use keel_db::sort::{Cursor, Sort};
use keel_i18n::Locale;
use keel_views::{Choice, SortHeader};

/// A list's current filters as a query string (`q=…&status=…`), empty values left out.
pub struct Filters(String);

impl Filters {
    pub fn new(pairs: &[(&str, &str)]) -> Filters {
        let parts: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        Filters(parts.join("&"))
    }

    /// `base` with these filters and `extra` pairs (`sort`, `after`), e.g. `/deals?q=x&sort=amount`.
    pub fn link(&self, base: &str, extra: &[(&str, &str)]) -> String {
        let more = Filters::new(extra);
        let qs: Vec<&str> = [self.0.as_str(), more.0.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        if qs.is_empty() {
            base.to_owned()
        } else {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}{}", qs.join("&"))
        }
    }
}

/// The sort a page asked for: one of `list`, else the list's default (a hand-edited link
/// shows the default order rather than an error page).
pub fn chosen(list: &'static [Sort], name: &str) -> &'static Sort {
    keel_db::sort::find(list, name).unwrap_or(&list[0])
}

/// A page's `after` parameter; a malformed one starts from the first page.
pub fn cursor(after: &str) -> Option<Cursor> {
    Cursor::parse(after)
}

/// The next page's link, when there is one.
pub fn next_link(
    filters: &Filters,
    base: &str,
    sort: &Sort,
    next: Option<Cursor>,
) -> Option<String> {
    next.map(|c| filters.link(base, &[("sort", sort.name), ("after", &c.to_string())]))
}

/// Column headers: (label key, the sort the column offers, CSS class).
pub fn headers(
    l: Locale,
    filters: &Filters,
    base: &str,
    current: &Sort,
    columns: &[(&str, Option<&'static str>, &'static str)],
) -> Vec<SortHeader> {
    columns
        .iter()
        .map(|(label, sort, class)| SortHeader {
            label: if label.is_empty() {
                String::new()
            } else {
                l.t(label)
            },
            href: sort.map(|s| filters.link(base, &[("sort", s)])),
            current: sort.filter(|s| *s == current.name).map(|_| {
                if current.desc() {
                    "descending"
                } else {
                    "ascending"
                }
            }),
            class,
        })
        .collect()
}

/// The "sort by" choices of a list.
pub fn sort_choices(l: Locale, list: &'static [Sort], current: &Sort) -> Vec<Choice> {
    list.iter()
        .map(|s| Choice {
            value: s.name.to_owned(),
            label: l.t(&format!("sort-{}", s.name)),
            selected: s.name == current.name,
        })
        .collect()
}
