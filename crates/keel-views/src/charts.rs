//! Server-rendered SVG charts. Each chart has a `<title>` for screen readers and is always
//! shown beside a table of the same numbers, so the picture never is the only source.

use std::fmt::Write;

/// One bar: its axis label, its value (none: a gap) and the value as the reader sees it.
pub struct Bar {
    pub label: String,
    pub value: Option<i64>,
    pub shown: String,
}

/// Escapes text for SVG element content and attribute values.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 220;
const TOP: i64 = 16;
const BOTTOM: i64 = 36;
const LEFT: i64 = 8;

/// A bar chart scaled to its largest magnitude; negative values (NPS) hang below a zero line.
/// Integer arithmetic only, so the same numbers always draw the same picture.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    let max = bars
        .iter()
        .filter_map(|b| b.value)
        .map(i64::abs)
        .max()
        .unwrap_or(0)
        .max(1);
    let has_negative = bars.iter().any(|b| b.value.is_some_and(|v| v < 0));
    let plot = HEIGHT - TOP - BOTTOM;
    // With negatives the zero line sits in the middle.
    let zero = if has_negative {
        TOP + plot / 2
    } else {
        TOP + plot
    };
    let scale = if has_negative { plot / 2 } else { plot };
    let n = bars.len().max(1) as i64;
    let slot = (WIDTH - 2 * LEFT) / n;
    let bar_w = (slot * 7 / 10).max(2);
    // Label every bar when they fit, else every k-th.
    let every = ((n * 56) / (WIDTH - 2 * LEFT)).max(1) as usize + usize::from(n > 12);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{zero}" x2="{}" y2="{zero}"/>"#,
        WIDTH - LEFT
    );
    for (i, b) in bars.iter().enumerate() {
        let x = LEFT + i as i64 * slot + (slot - bar_w) / 2;
        if let Some(v) = b.value {
            let h = (i128::from(v.abs()) * i128::from(scale) / i128::from(max)) as i64;
            let y = if v >= 0 { zero - h } else { zero };
            let _ = write!(
                svg,
                r#"<rect class="bar{neg}" x="{x}" y="{y}" width="{bar_w}" height="{h}"><title>{l}: {s}</title></rect>"#,
                neg = if v < 0 { " negative" } else { "" },
                l = esc(&b.label),
                s = esc(&b.shown)
            );
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                x + bar_w / 2,
                HEIGHT - BOTTOM / 3,
                esc(&b.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One point of a line: where it sits on the x axis (e.g. a day number), its label, its value
/// and the value as the reader sees it.
pub struct Point {
    pub x: i64,
    pub label: String,
    pub value: i64,
    pub shown: String,
}

/// A line over time, points placed by `x` and scaled from 0 to `y_max` (at least the largest
/// value), with dashed guides at a quarter, half and three quarters. Integer arithmetic only.
pub fn line(title: &str, points: &[Point], y_max: i64) -> String {
    let y_max = points
        .iter()
        .map(|p| p.value)
        .max()
        .unwrap_or(0)
        .max(y_max)
        .max(1);
    let (x_min, x_max) = (
        points.iter().map(|p| p.x).min().unwrap_or(0),
        points.iter().map(|p| p.x).max().unwrap_or(0),
    );
    let span = (x_max - x_min).max(1);
    let plot_w = WIDTH - 2 * LEFT - 24;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let at = |p: &Point| {
        let x =
            LEFT + 12 + (i128::from(p.x - x_min) * i128::from(plot_w) / i128::from(span)) as i64;
        let v = p.value.clamp(0, y_max);
        let y = base - (i128::from(v) * i128::from(plot_h) / i128::from(y_max)) as i64;
        (x, y)
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for q in 1..4 {
        let y = base - plot_h * q / 4;
        let _ = write!(
            svg,
            r#"<line class="grid-line" x1="{LEFT}" y1="{y}" x2="{}" y2="{y}" stroke-dasharray="4 4"/>"#,
            WIDTH - LEFT
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{base}" x2="{}" y2="{base}"/>"#,
        WIDTH - LEFT
    );
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|p| {
                let (x, y) = at(p);
                format!("{x},{y}")
            })
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="line" points="{}"/>"#,
            path.join(" ")
        );
    }
    let every = (points.len() / 8).max(1);
    for (i, p) in points.iter().enumerate() {
        let (x, y) = at(p);
        let _ = write!(
            svg,
            r#"<circle class="dot" cx="{x}" cy="{y}" r="3"><title>{l}: {s}</title></circle>"#,
            l = esc(&p.label),
            s = esc(&p.shown)
        );
        if i % every == 0 || i + 1 == points.len() {
            let _ = write!(
                svg,
                r#"<text class="tick" x="{x}" y="{}" text-anchor="middle">{}</text>"#,
                HEIGHT - BOTTOM / 3,
                esc(&p.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Two series side by side per label (this year and last): `a` solid, `b` pale.
pub fn paired_bars(
    title: &str,
    labels: &[String],
    a: &[i64],
    b: &[i64],
    names: [&str; 2],
) -> String {
    let max = a.iter().chain(b).map(|v| v.abs()).max().unwrap_or(0).max(1);
    let plot = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot;
    let n = labels.len().max(1) as i64;
    let slot = (WIDTH - 2 * LEFT) / n;
    let w = (slot * 4 / 10).max(2);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{base}" x2="{}" y2="{base}"/>"#,
        WIDTH - LEFT
    );
    for (i, label) in labels.iter().enumerate() {
        let x = LEFT + i as i64 * slot + (slot - 2 * w) / 2;
        for (k, (v, class)) in [(a.get(i), "bar"), (b.get(i), "bar pale")]
            .into_iter()
            .enumerate()
        {
            let v = v.copied().unwrap_or(0).max(0);
            let h = (i128::from(v) * i128::from(plot) / i128::from(max)) as i64;
            let _ = write!(
                svg,
                r#"<rect class="{class}" x="{}" y="{}" width="{w}" height="{h}"><title>{} {}: {v}</title></rect>"#,
                x + k as i64 * w,
                base - h,
                esc(label),
                esc(names[k])
            );
        }
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x + w,
            HEIGHT - BOTTOM / 3,
            esc(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One horizontal bar per row (achieved) with a tick where its target lies.
pub fn target_bars(title: &str, rows: &[(String, i64, Option<i64>, String)]) -> String {
    let max = rows
        .iter()
        .flat_map(|r| [r.1, r.2.unwrap_or(0)])
        .max()
        .unwrap_or(0)
        .max(1);
    let row_h = 26;
    let label_w = 120;
    let height = TOP + rows.len() as i64 * row_h + 8;
    let plot = WIDTH - label_w - 2 * LEFT;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, (label, achieved, target, shown)) in rows.iter().enumerate() {
        let y = TOP + i as i64 * row_h;
        let len = (i128::from((*achieved).max(0)) * i128::from(plot) / i128::from(max)) as i64;
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="end">{}</text><rect class="bar" x="{}" y="{y}" width="{len}" height="{}"><title>{}: {}</title></rect>"#,
            LEFT + label_w - 6,
            y + 15,
            esc(label),
            LEFT + label_w,
            row_h - 8,
            esc(label),
            esc(shown)
        );
        if let Some(t) = target {
            let x = LEFT
                + label_w
                + (i128::from((*t).max(0)) * i128::from(plot) / i128::from(max)) as i64;
            let _ = write!(
                svg,
                r#"<line class="target" x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
                y - 2,
                y + row_h - 6
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A grid of cells shaded by value (people × weeks); darker is more.
pub fn heat(title: &str, rows: &[String], cols: &[String], values: &[Vec<i64>]) -> String {
    let max = values.iter().flatten().copied().max().unwrap_or(0).max(1);
    let cell_w = ((WIDTH - 2 * LEFT - 120) / cols.len().max(1) as i64).clamp(8, 60);
    let cell_h = 18;
    let height = TOP + rows.len() as i64 * cell_h + 24;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart heat" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for (r, name) in rows.iter().enumerate() {
        let y = TOP + r as i64 * cell_h;
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#,
            LEFT + 114,
            y + 13,
            esc(name)
        );
        for (c, col) in cols.iter().enumerate() {
            let v = values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(0);
            // Five shades, so equal counts always look the same.
            let shade = if v == 0 { 0 } else { 1 + (v * 4 / max).min(4) };
            let _ = write!(
                svg,
                r#"<rect class="cell s{shade}" x="{}" y="{y}" width="{}" height="{}"><title>{} {}: {v}</title></rect>"#,
                LEFT + 120 + c as i64 * cell_w,
                cell_w - 2,
                cell_h - 2,
                esc(name),
                esc(col)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<i64>) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.map(|v| v.to_string()).unwrap_or_default(),
        }
    }

    #[test]
    fn the_largest_bar_fills_the_plot_and_labels_are_escaped() {
        let svg = bars(
            "收入 <Q4>",
            &[
                bar("10月", Some(50)),
                bar("11月", Some(100)),
                bar("12月", None),
            ],
        );
        assert!(svg.contains("<title>收入 &lt;Q4&gt;</title>"));
        let plot = HEIGHT - TOP - BOTTOM;
        assert!(svg.contains(&format!(r#"height="{plot}""#)), "{svg}");
        assert!(svg.contains(&format!(r#"height="{}""#, plot / 2)));
        assert_eq!(svg.matches("<rect").count(), 2, "no bar for a gap");
    }

    #[test]
    fn a_line_reaches_the_top_at_its_maximum_and_escapes_labels() {
        let p = |x, v| Point {
            x,
            label: format!("11-{x:02}"),
            value: v,
            shown: format!("{v}‰"),
        };
        let svg = line("进度 <1>", &[p(1, 0), p(5, 500), p(9, 1000)], 1000);
        assert!(svg.contains("<title>进度 &lt;1&gt;</title>"));
        assert_eq!(svg.matches("<circle").count(), 3);
        // The last point sits at the top of the plot, the first on the base line.
        let base = HEIGHT - BOTTOM;
        assert!(svg.contains(&format!(r#"cy="{TOP}""#)), "{svg}");
        assert!(svg.contains(&format!(r#"cy="{base}""#)), "{svg}");
        assert!(svg.contains("<polyline"));
    }

    #[test]
    fn targets_heat_and_pairs_draw_one_mark_per_number() {
        let rows = vec![
            ("李强".to_owned(), 50, Some(100), "50".to_owned()),
            ("刘洋".to_owned(), 120, None, "120".to_owned()),
        ];
        let svg = target_bars("达成", &rows);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert_eq!(svg.matches("class=\"target\"").count(), 1);
        let svg = heat(
            "热力",
            &["a".into()],
            &["W1".into(), "W2".into()],
            &[vec![0, 9]],
        );
        assert!(svg.contains("cell s0") && svg.contains("cell s5"));
        let svg = paired_bars(
            "年",
            &["1".into(), "2".into()],
            &[3, 4],
            &[1, 2],
            ["今年", "去年"],
        );
        assert_eq!(svg.matches("<rect").count(), 4);
    }

    #[test]
    fn negative_values_hang_below_the_zero_line() {
        let svg = bars("NPS", &[bar("a", Some(-40)), bar("b", Some(40))]);
        assert!(svg.contains(r#"class="bar negative""#));
    }
}
