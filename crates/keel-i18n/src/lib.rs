//! keel speaks Chinese (zh-CN) and English. Every user-facing string is a Fluent message in
//! `locales/<lang>/*.ftl` (`main.ftl` plus one file per area); tests keep both languages' files
//! and keys identical.

mod format;
pub use format::offset_label;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        // Fluent's isolation marks would leak invisible characters into HTML and CSV.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH_CN: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

/// A language keel speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag, as stored in settings and sent in `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "中文",
            Locale::En => "English",
        }
    }

    /// Parses a stored or requested tag: any `zh*` is Chinese, any `en*` English.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if tag.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The best match for an `Accept-Language` header, by quality value; `None` when the
    /// header names neither language.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("");
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Locale::parse(tag)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Locale::ZhCn => &ZH_CN,
            Locale::En => &EN,
        }
    }

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The message `key` with named arguments, e.g. `l.t_args("greeting", &[("name", "王")])`.
    pub fn t_args(self, key: &str, args: &[(&'static str, &str)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.to_string())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn keys(src: &str) -> BTreeSet<String> {
        src.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    /// Each `.ftl` file of one language (areas keep their own file) with its source text.
    fn files(lang: &str) -> BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
    }

    /// Every key of the English files; a key defined in two files is a mistake.
    fn all_keys() -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        for (file, src) in files("en") {
            for key in keys(&src) {
                assert!(all.insert(key.clone()), "{key} is defined twice ({file})");
            }
        }
        all
    }

    #[test]
    fn both_languages_have_exactly_the_same_files_and_keys() {
        let zh = files("zh-CN");
        let en = files("en");
        assert!(en.contains_key("main.ftl"));
        assert_eq!(zh.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
        for (file, src) in &zh {
            let zh = keys(src);
            let en = keys(&en[file]);
            let only_zh: Vec<_> = zh.difference(&en).collect();
            let only_en: Vec<_> = en.difference(&zh).collect();
            assert!(only_zh.is_empty(), "{file}: missing in en: {only_zh:?}");
            assert!(only_en.is_empty(), "{file}: missing in zh-CN: {only_en:?}");
        }
    }

    /// Every message formats in both languages with the variables it names.
    #[test]
    fn every_key_translates_in_both_languages() {
        let mut broken = Vec::new();
        for lang in ["en", "zh-CN"] {
            let locale = Locale::parse(lang).unwrap();
            for src in files(lang).values() {
                // A message with its attribute-free continuation lines.
                let mut messages: Vec<(String, String)> = Vec::new();
                for line in src.lines() {
                    if line.starts_with(|c: char| c.is_ascii_lowercase()) {
                        if let Some((k, v)) = line.split_once('=') {
                            messages.push((k.trim().to_owned(), v.to_owned()));
                        }
                    } else if line.starts_with(' ')
                        && let Some(last) = messages.last_mut()
                    {
                        last.1.push_str(line);
                    }
                }
                for (key, body) in messages {
                    let vars: Vec<&'static str> = body
                        .split('$')
                        .skip(1)
                        .map(|v| {
                            let name: String = v
                                .chars()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                                .collect();
                            &*Box::leak(name.into_boxed_str())
                        })
                        .collect();
                    let args: Vec<(&'static str, &str)> = vars.iter().map(|v| (*v, "7")).collect();
                    let out = locale.t_args(&key, &args);
                    if out.contains("Unknown localization") || out.contains("{$") {
                        broken.push(format!("{key}/{lang}: {out}"));
                    }
                }
            }
        }
        assert!(broken.is_empty(), "untranslatable: {broken:?}");
    }

    /// Every key the code and templates ask for literally (`.t("key")`, `.t_args("key", ..)`)
    /// exists; keys built at run time (`role-{}`) are covered by the tests of their pages.
    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    out.push(path);
                }
            }
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in ["keel-web/src", "keel-views/templates", "keel-views/src"] {
            walk(&crates.join(dir), &mut files);
        }
        assert!(files.len() > 10, "found the sources");
        let known = all_keys();
        let mut unknown = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for marker in [".t(\"", ".t_args(\""] {
                for part in text.split(marker).skip(1) {
                    let key: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    if part[key.len()..].starts_with('"') && !known.contains(&key) {
                        unknown.insert(format!("{key} ({})", file.display()));
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "keys missing from the .ftl files: {unknown:?}"
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_known_language() {
        assert_eq!(Locale::negotiate("en-US,en;q=0.9"), Some(Locale::En));
        assert_eq!(
            Locale::negotiate("fr, en;q=0.5, zh-CN;q=0.8"),
            Some(Locale::ZhCn)
        );
        assert_eq!(Locale::negotiate("zh-TW"), Some(Locale::ZhCn));
        assert_eq!(Locale::negotiate("de, fr"), None);
        assert_eq!(Locale::negotiate("en;q=0"), None);
    }

    #[test]
    fn arguments_are_inserted_without_isolation_marks() {
        let s = Locale::En.t_args("home-welcome", &[("name", "Wang Fang")]);
        assert!(s.contains("Wang Fang"), "{s}");
        assert!(!s.contains('\u{2068}'));
    }
}
