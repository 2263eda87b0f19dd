//! User-defined queues from `config.toml`: a filter (a built-in queue to start from, states,
//! region, category, flags), a sort and the columns to show.
//!
//! ```toml
//! [[queue]]
//! name = "yinchuan-wages"
//! title = "银川欠薪"
//! title_en = "Yinchuan wages"
//! base = "in-handling"
//! region = "6401"
//! category = "unpaid-wages"
//! flags = ["supervised"]
//! sort = "due"
//! columns = ["number", "county", "title", "due"]
//! ```

use super::state::{Column, QueueDef};
use crate::domain::{Category, State};
use crate::store::{Builtin, Filter, Sort, SortKey};
use chrono::NaiveDate;
use serde::Deserialize;

code_enum! {
    /// A flag a user queue can require.
    QueueFlag {
        Open = ("open", "未办结", "open"),
        Supervised = ("supervised", "督办", "supervised"),
        Backlog = ("backlog", "积案", "backlog"),
        Collective = ("collective", "集体访", "collective"),
        Repeat = ("repeat", "重复信访", "repeat"),
        Packaged = ("packaged", "包案", "packaged"),
    }
}

code_enum! {
    /// The order of a user queue.
    QueueSort {
        Received = ("received", "收件日期", "received"),
        Due = ("due", "到期日", "due"),
    }
}

/// A `[[queue]]` entry of `config.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    pub name: String,
    pub title: String,
    pub title_en: Option<String>,
    pub base: Option<String>,
    #[serde(default)]
    pub states: Vec<State>,
    pub region: Option<String>,
    pub category: Option<Category>,
    #[serde(default)]
    pub flags: Vec<QueueFlag>,
    pub sort: Option<QueueSort>,
    #[serde(default)]
    pub columns: Vec<Column>,
}

impl QueueConfig {
    /// The queue for `today`; an unknown `base` or a malformed region is an error naming it.
    pub fn build(
        &self,
        today: NaiveDate,
        due_soon_days: u32,
        user: &str,
    ) -> Result<QueueDef, String> {
        let mut parts = Vec::new();
        let mut sort = Sort {
            key: SortKey::Received,
            descending: true,
        };
        if let Some(base) = &self.base {
            let builtin = Builtin::from_name(base).ok_or_else(|| {
                let known: Vec<&str> = Builtin::ALL.iter().map(|q| q.name()).collect();
                format!(
                    "queue `{}`: unknown base `{base}` (known: {})",
                    self.name,
                    known.join(", ")
                )
            })?;
            let (filter, base_sort) = builtin.query(today, due_soon_days, user);
            parts.push(filter);
            sort = base_sort;
        }
        if !self.states.is_empty() {
            parts.push(Filter::StateIn(self.states.clone()));
        }
        if let Some(region) = &self.region {
            if !(region.starts_with("64") && region.bytes().all(|b| b.is_ascii_digit())) {
                return Err(format!(
                    "queue `{}`: region `{region}` is not a Ningxia admin-code prefix",
                    self.name
                ));
            }
            parts.push(Filter::Region(region.clone()));
        }
        if let Some(category) = self.category {
            parts.push(Filter::Category(category));
        }
        for flag in &self.flags {
            parts.push(match flag {
                QueueFlag::Open => Filter::Open,
                QueueFlag::Supervised => Filter::Supervised,
                QueueFlag::Backlog => Filter::Backlog(today),
                QueueFlag::Collective => Filter::Collective,
                QueueFlag::Repeat => Filter::Repeat,
                QueueFlag::Packaged => Filter::Packaged,
            });
        }
        match self.sort {
            Some(QueueSort::Received) => {
                sort = Sort {
                    key: SortKey::Received,
                    descending: true,
                }
            }
            Some(QueueSort::Due) => {
                sort = Sort {
                    key: SortKey::Due,
                    descending: false,
                }
            }
            None => {}
        }
        Ok(QueueDef {
            name: self.name.clone(),
            label_zh: self.title.clone(),
            label_en: self.title_en.clone().unwrap_or_else(|| self.title.clone()),
            filter: if parts.is_empty() {
                Filter::All
            } else {
                Filter::And(parts)
            },
            sort,
            columns: self.columns.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_queue_combines_its_parts() {
        let config: QueueConfig = toml::from_str(
            "name = \"w\"\ntitle = \"欠薪\"\nbase = \"in-handling\"\nregion = \"6401\"\ncategory = \"unpaid-wages\"\nflags = [\"supervised\"]\nsort = \"due\"\ncolumns = [\"number\", \"due\"]\n",
        )
        .expect("valid");
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let queue = config.build(today, 3, "u").expect("builds");
        let Filter::And(parts) = &queue.filter else {
            panic!("{:?}", queue.filter)
        };
        assert_eq!(parts.len(), 4);
        assert!(parts.contains(&Filter::Region("6401".into())));
        assert_eq!(queue.sort.key, SortKey::Due);
        assert_eq!(queue.columns, vec![Column::Number, Column::Due]);
    }

    #[test]
    fn mistakes_are_named() {
        let bad: Result<QueueConfig, _> =
            toml::from_str("name = \"w\"\ntitle = \"x\"\nstates = [\"flying\"]\n");
        assert!(
            bad.err()
                .is_some_and(|e| e.to_string().contains("unknown state `flying`"))
        );
        let config: QueueConfig =
            toml::from_str("name = \"w\"\ntitle = \"x\"\nbase = \"nope\"\n").expect("parses");
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        assert!(
            config
                .build(today, 3, "u")
                .is_err_and(|e| e.contains("unknown base `nope`"))
        );
    }
}
