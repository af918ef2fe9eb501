//! Which column fills which field, decided once from the header row.

use crate::dialect;
use crate::error::FileError;
use crate::options::{Entity, Options, Source};
use crate::schema::{Key, key_for, required_keys};
use std::collections::HashMap;

pub(crate) struct Layout {
    /// Column indexes filling each key, best first.
    columns: HashMap<Key, Vec<usize>>,
    /// Headers as written in the file (trimmed); errors quote them.
    pub headers: Vec<String>,
    pub unmapped: Vec<String>,
    /// Activity kind when a row does not say: the kind of export (calls, events, tasks).
    pub default_kind: &'static str,
    /// Stage renames, source names lower-cased.
    stage_map: Vec<(String, String)>,
}

impl Layout {
    pub(crate) fn new(headers: Vec<String>, opts: &Options) -> Result<Layout, FileError> {
        let explicit = explicit_targets(opts)?;
        let table = dialect::table(opts.source, opts.entity);
        // (key, rank, column): explicit mappings rank first, then dialect order.
        let mut found: Vec<(Key, usize, usize)> = Vec::new();
        let mut unmapped = Vec::new();
        for (column, header) in headers.iter().enumerate() {
            let name = normalize(header);
            if name.is_empty() {
                continue;
            }
            let target = match explicit.iter().find(|(h, _)| *h == name) {
                Some((_, key)) => key.map(|k| (k, 0)),
                None => dialect_target(opts, table, &name),
            };
            match target {
                Some((key, rank)) => found.push((key, rank, column)),
                None => unmapped.push(header.clone()),
            }
        }
        found.sort_by_key(|(_, rank, column)| (*rank, *column));
        let mut columns: HashMap<Key, Vec<usize>> = HashMap::new();
        for (key, _, column) in found {
            columns.entry(key).or_default().push(column);
        }
        let required = required_keys(opts.entity);
        if !required.iter().any(|k| columns.contains_key(k)) {
            return Err(FileError::MissingColumns(accepted_headers(opts, table)));
        }
        Ok(Layout {
            default_kind: default_kind(opts.entity, &headers),
            stage_map: opts
                .stage_map
                .iter()
                .map(|(from, to)| (normalize(from), to.trim().to_string()))
                .collect(),
            columns,
            headers,
            unmapped,
        })
    }

    pub(crate) fn columns(&self, key: Key) -> &[usize] {
        self.columns.get(&key).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn map_stage(&self, stage: String) -> String {
        let name = normalize(&stage);
        match self.stage_map.iter().find(|(from, _)| *from == name) {
            Some((_, to)) => to.clone(),
            None => stage,
        }
    }
}

/// Header comparison form: trimmed, lower-case, inner whitespace collapsed.
fn normalize(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The caller's `SRC=FIELD` pairs; `None` marks a column to ignore.
fn explicit_targets(opts: &Options) -> Result<Vec<(String, Option<Key>)>, FileError> {
    opts.map
        .iter()
        .map(|(source, target)| {
            let target = target.trim();
            let key = if target.is_empty() || target == "-" {
                None
            } else {
                Some(
                    key_for(opts.entity, target)
                        .ok_or_else(|| FileError::UnknownField(target.to_string()))?,
                )
            };
            Ok((normalize(source), key))
        })
        .collect()
}

fn dialect_target(opts: &Options, table: dialect::Table, name: &str) -> Option<(Key, usize)> {
    if let Some(rank) = table.iter().position(|(h, _)| normalize(h) == name) {
        return key_for(opts.entity, table[rank].1).map(|key| (key, rank + 1));
    }
    // Generic files may already use our own field names, in any common spelling.
    if opts.source == Source::Generic {
        return key_for(opts.entity, name).map(|key| (key, table.len() + 1));
    }
    None
}

/// Header names that would satisfy the required-column check, for the error message.
fn accepted_headers(opts: &Options, table: dialect::Table) -> Vec<String> {
    let required = required_keys(opts.entity);
    let mut names: Vec<String> = table
        .iter()
        .filter(|(_, target)| key_for(opts.entity, target).is_some_and(|k| required.contains(&k)))
        .map(|(header, _)| header.to_string())
        .collect();
    if opts.source == Source::Generic {
        names.extend(required.iter().map(|k| k.field.to_string()));
    }
    names
}

/// Zoho and HubSpot export calls, events and tasks as separate files; their headers
/// tell which one this is.
fn default_kind(entity: Entity, headers: &[String]) -> &'static str {
    if entity != Entity::Activities {
        return "task";
    }
    let has = |names: &[&str]| {
        headers
            .iter()
            .any(|h| names.contains(&normalize(h).as_str()))
    };
    if has(&[
        "call start time",
        "call type",
        "call owner",
        "call duration",
        "call title",
    ]) {
        "call"
    } else if has(&["start datetime", "startdatetime", "host", "meeting name"]) {
        "meeting"
    } else {
        "task"
    }
}
