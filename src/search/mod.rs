//! Search: an in-memory index over every case the user may see, the fzf-style query language,
//! and keeping the index current from the store's change feed.
//!
//! May import `store` and `domain`; never `ui` or `app`.

mod index;
pub mod query;

pub use index::{Hit, Index, Results, Viewer, id_shaped, pinyin_of, text_score};
pub use query::{Query, QueryError, parse};

use crate::domain::Role;
use crate::store::{Filter, Store, StoreError};
use chrono::NaiveDate;

/// A saved search queue holds at most this many matches (the newest), so that the store is never
/// asked for more ids than a statement may bind.
pub const SAVED_SEARCH_CASES: usize = 10_000;

/// `filter` with every search query in it replaced by the cases it matches in `index` for
/// `viewer` (a query that no longer parses matches nothing).
pub fn resolve(filter: &Filter, index: &Index, today: NaiveDate, viewer: &Viewer) -> Filter {
    match filter {
        Filter::Search(text) => Filter::Ids(match parse(text) {
            Ok(query) => index.matching_ids(&query, today, SAVED_SEARCH_CASES, viewer),
            Err(_) => Vec::new(),
        }),
        Filter::And(parts) => Filter::And(
            parts
                .iter()
                .map(|p| resolve(p, index, today, viewer))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Cases read from the store per batch while building.
const BATCH: usize = 20_000;

/// Builds the index of every case, searched for `role` in `scope` unless a search says for whom
/// (`Index::search_until`), calling `progress` with the number indexed so far; returns the index
/// and the change-feed position it is current to.
pub fn build(
    store: &dyn Store,
    role: Role,
    scope: &str,
    progress: &mut dyn FnMut(usize),
) -> Result<(Index, i64), StoreError> {
    let head = store.head()?;
    let mut index = Index::new(&store.units()?, &store.leaders()?, Viewer::new(role, scope));
    let everything = crate::store::Scope {
        region: String::new(),
        user: String::new(),
        today: chrono::NaiveDate::MIN,
    };
    let cases = store
        .counts(&[crate::store::Filter::All], &everything)?
        .first()
        .copied()
        .unwrap_or(0);
    index.reserve(cases as usize);
    let mut after = 0;
    loop {
        let docs = store.search_docs(after, BATCH)?;
        let Some(last) = docs.last() else { break };
        after = last.id;
        for doc in &docs {
            index.upsert(doc);
        }
        progress(index.len());
    }
    Ok((index, head))
}

/// Applies every change after `seq` to the index; returns the new position.
pub fn refresh(index: &mut Index, store: &dyn Store, seq: i64) -> Result<i64, StoreError> {
    let (head, docs) = changed_docs(store, seq)?;
    for doc in &docs {
        index.upsert(doc);
    }
    Ok(head)
}

/// The cases changed after `seq`, as the index takes them, and the new position: read before the
/// index is locked, so that searches go on while the store is asked.
pub fn changed_docs(
    store: &dyn Store,
    seq: i64,
) -> Result<(i64, Vec<crate::store::SearchDoc>), StoreError> {
    let (head, ids) = store.changed_since(seq)?;
    let mut docs = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(doc) = store
            .search_docs(id - 1, 1)?
            .into_iter()
            .find(|d| d.id == id)
        {
            docs.push(doc);
        }
    }
    Ok((head, docs))
}
