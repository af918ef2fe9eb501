//! A small in-process cache of rendered dashboards, keyed by their ETag. The ETag names the
//! data version (the newest audit id, read from the database), the viewer, the language and
//! the query, so an entry can never be stale: any write anywhere, on any server, changes the
//! key. Bounded by entry count; the oldest entry leaves first.

use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

pub struct ResponseCache {
    capacity: usize,
    inner: Mutex<(HashMap<String, Bytes>, VecDeque<String>)>,
}

impl ResponseCache {
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache {
            capacity,
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.get(key).cloned()
    }

    pub fn put(&self, key: String, body: Bytes) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *guard;
        if map.insert(key.clone(), body).is_none() {
            order.push_back(key);
        }
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Bytes, ResponseCache};

    #[test]
    fn the_oldest_entry_leaves_first_and_zero_caches_nothing() {
        let c = ResponseCache::new(2);
        for k in ["a", "b", "c"] {
            c.put(k.into(), Bytes::from(k));
        }
        assert!(c.get("a").is_none());
        assert_eq!(c.get("c").as_deref(), Some(&b"c"[..]));
        let off = ResponseCache::new(0);
        off.put("a".into(), Bytes::from("a"));
        assert!(off.get("a").is_none());
    }
}
