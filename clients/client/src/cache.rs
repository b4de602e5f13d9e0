//! A bounded cache of registry answers with single-flight loading, optional expiry, and brief memory of misses.
//!
//! Built on `quick_cache`: while one caller loads a key, the others asking for it wait for that
//! answer instead of sending their own request. A 404 is stored as a miss for `miss_ttl`, so a
//! consumer hitting an unknown id does not hammer the registry; any other error is not stored.

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_types::ErrorCode;
use quick_cache::sync::Cache;

use crate::error::Error;

/// What a cache slot holds.
#[derive(Debug)]
enum Slot<V> {
    Hit {
        value: Arc<V>,
        expires: Option<Instant>,
    },
    Miss {
        status: u16,
        code: ErrorCode,
        message: String,
        expires: Instant,
    },
}

impl<V> Slot<V> {
    fn expires(&self) -> Option<Instant> {
        match self {
            Slot::Hit { expires, .. } => *expires,
            Slot::Miss { expires, .. } => Some(*expires),
        }
    }

    fn expired(&self, now: Instant) -> bool {
        self.expires().is_some_and(|at| at <= now)
    }

    fn result(&self) -> Result<Arc<V>, Error> {
        match self {
            Slot::Hit { value, .. } => Ok(Arc::clone(value)),
            Slot::Miss {
                status,
                code,
                message,
                ..
            } => Err(Error::Registry {
                status: *status,
                code: *code,
                message: message.clone(),
            }),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Memo<K, V> {
    slots: Cache<K, Arc<Slot<V>>>,
    /// Lifetime of a hit; `None` for immutable answers kept until evicted.
    ttl: Option<Duration>,
    miss_ttl: Duration,
}

impl<K, V> Memo<K, V>
where
    K: Eq + Hash + Clone,
{
    pub(crate) fn new(capacity: usize, ttl: Option<Duration>, miss_ttl: Duration) -> Memo<K, V> {
        Memo {
            slots: Cache::new(capacity.max(1)),
            ttl,
            miss_ttl,
        }
    }

    /// The cached answer for `key`, or the answer of the future `fetch` makes, run by one caller
    /// at a time per key. A hit on an entry without expiry costs one lookup and no clock read.
    pub(crate) async fn get_or_fetch<F>(
        &self,
        key: &K,
        fetch: impl FnOnce() -> F,
    ) -> Result<Arc<V>, Error>
    where
        F: Future<Output = Result<V, Error>>,
    {
        if let Some(slot) = self.slots.get(key) {
            let Some(expires) = slot.expires() else {
                return slot.result();
            };
            let now = Instant::now();
            if expires > now {
                return slot.result();
            }
            // Only this stale slot goes; a fresh one stored meanwhile by another caller stays.
            self.slots.remove_if(key, |current| current.expired(now));
        }
        let slot = self
            .slots
            .get_or_insert_async(key, async {
                match fetch().await {
                    Ok(value) => Ok(Arc::new(Slot::Hit {
                        value: Arc::new(value),
                        expires: self.ttl.map(|ttl| Instant::now() + ttl),
                    })),
                    Err(Error::Registry {
                        status: 404,
                        code,
                        message,
                    }) => Ok(Arc::new(Slot::Miss {
                        status: 404,
                        code,
                        message,
                        expires: Instant::now() + self.miss_ttl,
                    })),
                    Err(other) => Err(other),
                }
            })
            .await?;
        slot.result()
    }

    /// Forgets the entry of `key`.
    pub(crate) fn remove(&self, key: &K) {
        self.slots.remove(key);
    }

    /// Forgets every entry whose key matches.
    pub(crate) fn forget(&self, matches: impl Fn(&K) -> bool) {
        self.slots.retain(|key, _| !matches(key));
    }

    /// Forgets everything.
    pub(crate) fn clear(&self) {
        self.slots.clear();
    }
}
