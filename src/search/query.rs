//! The search query language: fzf-style terms and field filters.
//!
//! Space-separated terms must all match (AND); `a | b` matches either. A term is fuzzy by default;
//! `'exact`, `^prefix`, `suffix$` and `!negation` work as in fzf. Field filters:
//! `status:overdue` (or a state such as `status:forwarded`), `region:金凤` (name or admin code),
//! `cat:工资`, `unit:住建`, `leader:李`, `channel:online`,
//! `flag:backlog|collective|repeat|supervised|packaged`, `due:<3d`, and the bare word `overdue`.
//! Errors name the column and the problem. Pure.

use crate::domain::{Channel, State};

/// How a text term matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMode {
    Fuzzy,
    Exact,
    Prefix,
    Suffix,
}

/// A field filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    State(State),
    Overdue,
    /// The duty clock ends within this many days (`due:<3d`), overdue included.
    DueWithin(u32),
    /// Matched against county and township names (and their pinyin) or an admin-code prefix.
    Region(String),
    Category(String),
    Unit(String),
    Leader(String),
    Channel(Channel),
    Flag(Flag),
}

/// A case flag a query can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Backlog,
    Collective,
    Repeat,
    Supervised,
    Packaged,
}

/// One term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Text { text: String, mode: TextMode },
    Field(Field),
}

/// A term with its negation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub negate: bool,
    pub term: Term,
}

/// Every group must match; within a group, any atom.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub groups: Vec<Vec<Atom>>,
}

/// A query that cannot be used: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// Character column (0-based) of the offending token.
    pub column: usize,
    pub message: String,
    /// The same in Chinese, for the Chinese console.
    pub message_zh: String,
}

impl QueryError {
    fn new(column: usize, en: String, zh: String) -> QueryError {
        QueryError {
            column,
            message: en,
            message_zh: zh,
        }
    }

    /// The problem in `lang`, with its column.
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Zh => format!("第 {} 列：{}", self.column + 1, self.message_zh),
            crate::i18n::Lang::En => self.to_string(),
        }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column + 1, self.message)
    }
}

impl Query {
    /// True for a query with no terms (matches everything).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

fn parse_field(key: &str, value: &str, column: usize) -> Result<Field, QueryError> {
    let error = |en: String, zh: String| QueryError::new(column, en, zh);
    if value.is_empty() {
        return Err(error(
            format!("`{key}:` needs a value"),
            format!("`{key}:` 后面需要一个值"),
        ));
    }
    Ok(match key {
        "status" | "state" => match value {
            "overdue" => Field::Overdue,
            other => Field::State(
                State::from_code(other)
                    .or_else(|| State::ALL.iter().copied().find(|s| s.zh() == other))
                    .ok_or_else(|| {
                        let known: Vec<&str> = State::ALL.iter().map(|s| s.code()).collect();
                        error(
                            format!("unknown status `{other}` (overdue, {})", known.join(", ")),
                            format!("没有状态「{other}」（overdue、{}）", known.join("、")),
                        )
                    })?,
            ),
        },
        "region" => Field::Region(value.to_lowercase()),
        "cat" | "category" => Field::Category(value.to_lowercase()),
        "unit" => Field::Unit(value.to_lowercase()),
        "leader" => Field::Leader(value.to_lowercase()),
        "channel" => Field::Channel(
            Channel::from_code(value)
                .or_else(|| Channel::ALL.iter().copied().find(|c| c.zh() == value))
                .ok_or_else(|| {
                    error(
                        format!(
                            "unknown channel `{value}` (online, letter, visit, phone, video, fax)"
                        ),
                        format!("没有渠道「{value}」（online、letter、visit、phone、video、fax）"),
                    )
                })?,
        ),
        "flag" => Field::Flag(match value {
            "backlog" => Flag::Backlog,
            "collective" => Flag::Collective,
            "repeat" => Flag::Repeat,
            "supervised" => Flag::Supervised,
            "packaged" => Flag::Packaged,
            other => {
                return Err(error(
                    format!(
                        "unknown flag `{other}` (backlog, collective, repeat, supervised, packaged)"
                    ),
                    format!(
                        "没有标记「{other}」（backlog、collective、repeat、supervised、packaged）"
                    ),
                ));
            }
        }),
        "due" => {
            let days = value
                .strip_prefix('<')
                .and_then(|v| v.strip_suffix('d'))
                .and_then(|v| v.parse::<u32>().ok())
                .ok_or_else(|| {
                    error(
                        format!("`due:{value}` should look like `due:<3d`"),
                        format!("`due:{value}` 应写成 `due:<3d` 的形式"),
                    )
                })?;
            Field::DueWithin(days)
        }
        other => {
            return Err(error(
                format!(
                    "unknown field `{other}:` (status, region, cat, unit, leader, channel, flag, due)"
                ),
                format!(
                    "没有字段「{other}:」（status、region、cat、unit、leader、channel、flag、due）"
                ),
            ));
        }
    })
}

fn parse_atom(token: &str, column: usize) -> Result<Atom, QueryError> {
    let (negate, rest) = match token.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    if rest.is_empty() {
        return Err(QueryError::new(
            column,
            "`!` needs something to negate".into(),
            "`!` 后面需要要排除的内容".into(),
        ));
    }
    if rest == "overdue" {
        return Ok(Atom {
            negate,
            term: Term::Field(Field::Overdue),
        });
    }
    if let Some((key, value)) = rest.split_once(':')
        && !key.is_empty()
        && key.chars().all(|c| c.is_ascii_lowercase())
    {
        return Ok(Atom {
            negate,
            term: Term::Field(parse_field(key, value, column)?),
        });
    }
    let (text, mode) = if let Some(exact) = rest.strip_prefix('\'') {
        (exact, TextMode::Exact)
    } else if let Some(prefix) = rest.strip_prefix('^') {
        (prefix, TextMode::Prefix)
    } else if let Some(suffix) = rest.strip_suffix('$') {
        (suffix, TextMode::Suffix)
    } else {
        (rest, TextMode::Fuzzy)
    };
    if text.is_empty() {
        return Err(QueryError::new(
            column,
            format!("`{token}` has no text to match"),
            format!("`{token}` 没有可匹配的文字"),
        ));
    }
    Ok(Atom {
        negate,
        term: Term::Text {
            text: text.to_lowercase(),
            mode,
        },
    })
}

/// Parses a query.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let mut groups: Vec<Vec<Atom>> = Vec::new();
    let mut join_next = false;
    let mut pipe_at = 0;
    let mut column = 0;
    for token in input.split(' ') {
        let start = column;
        column += token.chars().count() + 1;
        if token.is_empty() {
            continue;
        }
        if token == "|" {
            if groups.is_empty() || join_next {
                return Err(QueryError::new(
                    start,
                    "`|` needs a term on each side".into(),
                    "`|` 两边都需要查询词".into(),
                ));
            }
            join_next = true;
            pipe_at = start;
            continue;
        }
        let atom = parse_atom(token, start)?;
        match (join_next, groups.last_mut()) {
            (true, Some(group)) => group.push(atom),
            _ => groups.push(vec![atom]),
        }
        join_next = false;
    }
    if join_next {
        return Err(QueryError::new(
            pipe_at,
            "`|` needs a term on each side".into(),
            "`|` 两边都需要查询词".into(),
        ));
    }
    Ok(Query { groups })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str, mode: TextMode) -> Atom {
        Atom {
            negate: false,
            term: Term::Text {
                text: t.into(),
                mode,
            },
        }
    }

    #[test]
    fn terms_operators_and_groups() {
        let q = parse("zw 金凤 !工资 'exact ^NX suffix$ a | b").expect("valid");
        assert_eq!(q.groups.len(), 7);
        assert_eq!(q.groups[0], vec![text("zw", TextMode::Fuzzy)]);
        assert_eq!(
            q.groups[2],
            vec![Atom {
                negate: true,
                term: Term::Text {
                    text: "工资".into(),
                    mode: TextMode::Fuzzy
                }
            }]
        );
        assert_eq!(q.groups[3], vec![text("exact", TextMode::Exact)]);
        assert_eq!(q.groups[4], vec![text("nx", TextMode::Prefix)]);
        assert_eq!(q.groups[5], vec![text("suffix", TextMode::Suffix)]);
        assert_eq!(
            q.groups[6],
            vec![text("a", TextMode::Fuzzy), text("b", TextMode::Fuzzy)]
        );
    }

    #[test]
    fn field_filters() {
        let q = parse("status:overdue region:金凤 cat:工资 leader:李 channel:online flag:backlog due:<3d status:forwarded overdue").expect("valid");
        let fields: Vec<Field> = q
            .groups
            .iter()
            .map(|g| match &g[0].term {
                Term::Field(f) => f.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            fields,
            vec![
                Field::Overdue,
                Field::Region("金凤".into()),
                Field::Category("工资".into()),
                Field::Leader("李".into()),
                Field::Channel(Channel::Online),
                Field::Flag(Flag::Backlog),
                Field::DueWithin(3),
                Field::State(State::Forwarded),
                Field::Overdue,
            ]
        );
    }

    #[test]
    fn malformed_queries_say_where_and_why() {
        for (input, column, phrase) in [
            ("zw color:red", 3, "unknown field `color:`"),
            ("due:soon", 0, "should look like `due:<3d`"),
            ("flag:shiny", 0, "unknown flag `shiny`"),
            ("status:flying", 0, "unknown status `flying`"),
            ("| a", 0, "needs a term on each side"),
            ("a |", 2, "needs a term on each side"),
            ("a !", 2, "needs something to negate"),
            ("'", 0, "has no text"),
            ("cat:", 0, "needs a value"),
        ] {
            let err = parse(input).expect_err(input);
            assert_eq!(err.column, column, "{input}: {err}");
            assert!(err.message.contains(phrase), "{input}: {err}");
        }
        assert!(parse("   ").expect("blank").is_empty());
    }
}
