//! The in-memory search index and its matcher.
//!
//! Per case: one stretch of a text arena (number, title, petitioner, summary, and the
//! petitioner's pinyin in full and as initials), a 256-bit character bloom filter, and small codes
//! for place, unit, leader, category, channel, state, flags and due date. Places, units, leaders
//! and categories are shared tables matched once per query. A text term is tried against a case's
//! text only when the bloom says every character of the term is there; matches get a cheap score
//! (contiguity, field weight: number > petitioner > title > places > summary) over both cores,
//! and the best are re-scored with fuzzy-matcher's SkimMatcherV2. Every case is indexed whole,
//! and each search is made for a `Viewer`: an accusation whose content the viewer may not read
//! (Art 30) is matched and shown without its title, summary and accuser. One index thus serves
//! every user of a server.

use super::query::{Atom, Field, Flag, Query, Term, TextMode};
use crate::domain::region::{COUNTIES, townships};
use crate::domain::{CaseId, Category, Channel, State};
use crate::store::{Leader, SearchDoc, Unit};
use chrono::NaiveDate;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use pinyin::ToPinyin;
use std::collections::{BinaryHeap, HashMap};

const NONE16: u16 = u16::MAX;
const NONE8: u8 = u8::MAX;
/// Candidates re-scored with SkimMatcherV2 after the cheap pass.
const RESCORE: usize = 500;

/// A name shared by many cases (place, unit, leader, category), with its pinyin.
#[derive(Debug, Clone)]
struct Named {
    text: String,
    full: String,
    initials: String,
    code: String,
}

impl Named {
    fn new(text: &str, code: &str) -> Named {
        let (full, initials) = pinyin_of(text);
        Named {
            text: text.to_lowercase(),
            full,
            initials,
            code: code.to_string(),
        }
    }
}

/// Full pinyin and initials of the Chinese characters in `text` (other characters kept as is,
/// lowercased).
pub fn pinyin_of(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if c.is_alphanumeric() => {
                let lower = c.to_lowercase().to_string();
                full.push_str(&lower);
                initials.push_str(&lower);
            }
            None => {}
        }
    }
    (full, initials)
}

#[derive(Debug, Clone, Copy)]
struct Doc {
    id: CaseId,
    at: u32,
    /// Lengths of number, title, petitioner, summary, full pinyin, initials in the arena.
    lens: [u16; 6],
    county: u8,
    township: u16,
    unit: u16,
    leader: u16,
    category: u8,
    channel: u8,
    state: u8,
    flags: u8,
    /// The case's county code as stored (an index into `places`), for who may read its content.
    place: u16,
    /// Days from the common era to the duty clock's last day (`i32::MIN` for none).
    due: i32,
}

const FLAG_SUPERVISED: u8 = 1;
const FLAG_BACKLOG: u8 = 2;
const FLAG_COLLECTIVE: u8 = 4;
const FLAG_REPEAT: u8 = 8;
const FLAG_PACKAGED: u8 = 16;
const FLAG_CONFIDENTIAL: u8 = 32;

/// Who a search is made for: their role and region scope decide which accusations' content they
/// may search (`domain::access::may_see_content`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Viewer {
    pub role: crate::domain::Role,
    pub scope: String,
}

impl Viewer {
    pub fn new(role: crate::domain::Role, scope: &str) -> Viewer {
        Viewer {
            role,
            scope: scope.to_string(),
        }
    }
}

/// Per county code stored with the cases (`Index::places`): whether a confidential case's content
/// is hidden from the viewer.
struct Sight(Vec<bool>);

impl Sight {
    fn hides(&self, doc: &Doc) -> bool {
        doc.flags & FLAG_CONFIDENTIAL != 0
            && self.0.get(doc.place as usize).copied().unwrap_or(true)
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: CaseId,
    pub score: i64,
    pub number: String,
    pub title: String,
    /// Character positions in `title` that matched, for highlighting.
    pub highlights: Vec<usize>,
    /// The petitioner's name (empty when the user may not see the case's content, Art 30), so
    /// that a search by name can be confirmed.
    pub petitioner: String,
    /// Character positions that matched in the number and in the petitioner's name.
    pub number_highlights: Vec<usize>,
    pub petitioner_highlights: Vec<usize>,
    pub county: String,
    pub state: State,
}

/// Results of one search.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// How many cases matched in all.
    pub total: usize,
    /// Every matching case (positions in the index), to narrow the next, longer query.
    pub matched: Vec<u32>,
}

/// The search index.
pub struct Index {
    docs: Vec<Doc>,
    arena: String,
    blooms: Vec<[u64; 4]>,
    counties: Vec<Named>,
    townships: Vec<Named>,
    township_of: HashMap<String, u16>,
    units: Vec<Named>,
    unit_of: HashMap<i64, u16>,
    leaders: Vec<Named>,
    leader_of: HashMap<i64, u16>,
    categories: Vec<Named>,
    /// Whom `search` and `matching_ids` search for (`search_until` is told).
    viewer: Viewer,
    /// County codes as stored with the cases, each once.
    places: Vec<String>,
    place_of: HashMap<String, u16>,
}

fn bloom_bit(c: char) -> usize {
    ((c as u32).wrapping_mul(2_654_435_761) >> 24) as usize
}

fn add_to_bloom(bloom: &mut [u64; 4], text: &str) {
    for c in text.chars() {
        let bit = bloom_bit(c);
        bloom[bit / 64] |= 1 << (bit % 64);
    }
}

fn covers(bloom: &[u64; 4], mask: &[u64; 4]) -> bool {
    (0..4).all(|i| bloom[i] & mask[i] == mask[i])
}

impl Index {
    /// An empty index knowing the places, units and leaders, searched for `viewer` unless told
    /// otherwise.
    pub fn new(units: &[Unit], leaders: &[Leader], viewer: Viewer) -> Index {
        let mut townships_list = Vec::new();
        let mut township_of = HashMap::new();
        for county in &COUNTIES {
            for township in townships(county) {
                township_of.insert(township.code.clone(), townships_list.len() as u16);
                townships_list.push(Named::new(&township.name, &township.code));
            }
        }
        Index {
            docs: Vec::new(),
            arena: String::new(),
            blooms: Vec::new(),
            counties: COUNTIES
                .iter()
                .map(|c| Named::new(c.name, c.code))
                .collect(),
            townships: townships_list,
            township_of,
            unit_of: units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id, i as u16))
                .collect(),
            units: units
                .iter()
                .map(|u| Named::new(&u.name, &u.region))
                .collect(),
            leader_of: leaders
                .iter()
                .enumerate()
                .map(|(i, l)| (l.id, i as u16))
                .collect(),
            leaders: leaders
                .iter()
                .map(|l| Named::new(&l.name, &l.region))
                .collect(),
            categories: Category::ALL
                .iter()
                .map(|c| Named::new(c.zh(), c.code()))
                .collect(),
            viewer,
            places: Vec::new(),
            place_of: HashMap::new(),
        }
    }

    /// The viewer `search` searches for.
    pub fn viewer(&self) -> &Viewer {
        &self.viewer
    }

    fn sight(&self, viewer: &Viewer) -> Sight {
        Sight(
            self.places
                .iter()
                .map(|county| {
                    !crate::domain::access::may_see_content(
                        true,
                        viewer.role,
                        &viewer.scope,
                        county,
                    )
                })
                .collect(),
        )
    }

    /// The place index of a stored county code (the last one is shared by any beyond 65,535).
    fn place(&mut self, county: &str) -> u16 {
        if let Some(place) = self.place_of.get(county) {
            return *place;
        }
        let place = u16::try_from(self.places.len()).unwrap_or(u16::MAX);
        if place < u16::MAX {
            self.places.push(county.to_string());
            self.place_of.insert(county.to_string(), place);
        }
        place
    }

    /// Makes room for `cases` cases up front, so that building never copies the arena to grow it
    /// (a copy briefly needs both the old and the new buffer). Reserved pages that are never
    /// written do not count as resident memory.
    pub fn reserve(&mut self, cases: usize) {
        self.docs.reserve(cases);
        self.blooms.reserve(cases);
        self.arena.reserve(cases.saturating_mul(400));
    }

    /// Number of cases indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Adds or replaces a case.
    pub fn upsert(&mut self, doc: &SearchDoc) {
        let (name, summary) = (doc.petitioner.as_str(), doc.summary.as_str());
        let (full, initials) = pinyin_of(name);
        let number = doc.number.to_lowercase();
        let title = doc.title.as_str();
        let at = self.arena.len() as u32;
        let mut lens = [0u16; 6];
        for (i, part) in [
            number.as_str(),
            title,
            name,
            summary,
            full.as_str(),
            initials.as_str(),
        ]
        .iter()
        .enumerate()
        {
            let cut = truncate(part, u16::MAX as usize);
            self.arena.push_str(cut);
            lens[i] = cut.len() as u16;
        }
        let mut bloom = [0u64; 4];
        add_to_bloom(&mut bloom, &self.arena[at as usize..]);
        let code = |list: &[Named], value: Option<&str>| -> u8 {
            value
                .and_then(|v| list.iter().position(|n| n.code == v))
                .map_or(NONE8, |p| p as u8)
        };
        let mut flags = 0;
        for (on, flag) in [
            (doc.supervised, FLAG_SUPERVISED),
            (doc.backlog, FLAG_BACKLOG),
            (doc.collective, FLAG_COLLECTIVE),
            (doc.repeat, FLAG_REPEAT),
            (doc.leader.is_some(), FLAG_PACKAGED),
            (doc.confidential, FLAG_CONFIDENTIAL),
        ] {
            if on {
                flags |= flag;
            }
        }
        let place = self.place(&doc.county);
        let entry = Doc {
            id: doc.id,
            place,
            at,
            lens,
            county: code(&self.counties, Some(&doc.county)),
            township: self
                .township_of
                .get(&doc.township)
                .copied()
                .unwrap_or(NONE16),
            unit: doc
                .unit
                .and_then(|u| self.unit_of.get(&u).copied())
                .unwrap_or(NONE16),
            leader: doc
                .leader
                .and_then(|l| self.leader_of.get(&l).copied())
                .unwrap_or(NONE16),
            category: code(&self.categories, doc.category.map(|c| c.code())),
            channel: Channel::ALL
                .iter()
                .position(|c| *c == doc.channel)
                .map_or(NONE8, |p| p as u8),
            state: State::ALL
                .iter()
                .position(|s| *s == doc.state)
                .map_or(NONE8, |p| p as u8),
            flags,
            due: doc
                .due_on
                .map_or(i32::MIN, |d| chrono::Datelike::num_days_from_ce(&d)),
        };
        match self.docs.binary_search_by_key(&doc.id, |d| d.id) {
            Ok(position) => {
                self.docs[position] = entry;
                self.blooms[position] = bloom;
            }
            Err(position) => {
                self.docs.insert(position, entry);
                self.blooms.insert(position, bloom);
            }
        }
    }

    /// A field of a case as the viewer may see it: an accusation's content (title, petitioner,
    /// summary and the petitioner's pinyin) is empty for a viewer who may not read it.
    fn seen<'a>(&'a self, doc: &Doc, which: usize, sight: &Sight) -> &'a str {
        if which > 0 && sight.hides(doc) {
            return "";
        }
        self.field(doc, which)
    }

    fn field<'a>(&'a self, doc: &Doc, which: usize) -> &'a str {
        let start = doc.at as usize + doc.lens[..which].iter().map(|l| *l as usize).sum::<usize>();
        &self.arena[start..start + doc.lens[which] as usize]
    }

    /// Runs `query` as seen on `today`, returning the best `limit` hits; with `within`, only those
    /// index positions are searched (a longer version of the previous query).
    pub fn search(
        &self,
        query: &Query,
        today: NaiveDate,
        limit: usize,
        within: Option<&[u32]>,
    ) -> Results {
        self.search_until(query, today, limit, within, &self.viewer, &|| false)
    }

    /// The ids of every case matching `query`, the newest `cap` of them when there are more
    /// (ids ascending).
    pub fn matching_ids(
        &self,
        query: &Query,
        today: NaiveDate,
        cap: usize,
        viewer: &Viewer,
    ) -> Vec<CaseId> {
        let results = self.search_until(query, today, 0, None, viewer, &|| false);
        let mut ids: Vec<CaseId> = results
            .matched
            .iter()
            .filter_map(|&p| self.docs.get(p as usize).map(|d| d.id))
            .collect();
        ids.sort_unstable();
        let extra = ids.len().saturating_sub(cap);
        ids.drain(..extra);
        ids
    }

    /// `search`, giving up (with empty results) as soon as `cancelled` says so — a newer keystroke
    /// has made this search stale. Checked every few thousand cases.
    pub fn search_until(
        &self,
        query: &Query,
        today: NaiveDate,
        limit: usize,
        within: Option<&[u32]>,
        viewer: &Viewer,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Results {
        if query.is_empty() {
            return Results::default();
        }
        let sight = &self.sight(viewer);
        let prepared: Vec<Vec<Prepared>> = query
            .groups
            .iter()
            .map(|g| g.iter().map(|a| self.prepare(a, today)).collect())
            .collect();
        let positions: Vec<u32> = match within {
            Some(w) => w.to_vec(),
            None => (0..self.docs.len() as u32).collect(),
        };
        let halves: Vec<&[u32]> = {
            let mid = positions.len() / 2;
            vec![&positions[..mid], &positions[mid..]]
        };
        let parts: Vec<PartResult> = std::thread::scope(|scope| {
            let handles: Vec<_> = halves
                .into_iter()
                .map(|part| {
                    let prepared = &prepared;
                    scope.spawn(move || {
                        let mut matched = Vec::new();
                        let mut best: BinaryHeap<std::cmp::Reverse<(i64, u32)>> = BinaryHeap::new();
                        for (n, &p) in part.iter().enumerate() {
                            if n % 4096 == 0 && cancelled() {
                                return (Vec::new(), Vec::new());
                            }
                            if let Some(score) = self.score(p as usize, prepared, sight) {
                                matched.push(p);
                                best.push(std::cmp::Reverse((score, p)));
                                if best.len() > RESCORE {
                                    best.pop();
                                }
                            }
                        }
                        (matched, best.into_iter().map(|r| r.0).collect::<Vec<_>>())
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        if cancelled() {
            return Results::default();
        }
        let mut matched = Vec::new();
        let mut candidates = Vec::new();
        for (m, c) in parts {
            matched.extend(m);
            candidates.extend(c);
        }
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        candidates.truncate(RESCORE);
        let matcher = SkimMatcherV2::default();
        let texts: Vec<&str> = prepared
            .iter()
            .flatten()
            .filter(|p| !p.atom.negate)
            .filter_map(|p| match &p.atom.term {
                Term::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let mut hits: Vec<Hit> = candidates
            .into_iter()
            .map(|(cheap, p)| {
                let doc = &self.docs[p as usize];
                let title = self.seen(doc, 1, sight);
                // Matched positions per field: number, title, petitioner.
                let mut marked: [Vec<usize>; 3] = Default::default();
                let mut fine = 0;
                for text in &texts {
                    let mut found = false;
                    for which in [0, 2, 1, 3] {
                        if let Some((score, indices)) =
                            matcher.fuzzy_indices(self.seen(doc, which, sight), text)
                        {
                            fine += score * [4, 3, 2, 1][which];
                            if which < 3 {
                                marked[which].extend(indices);
                            }
                            found = true;
                            break;
                        }
                    }
                    // Matched through the petitioner's pinyin (`zhangwei`, `zw`): the name.
                    let name = self.seen(doc, 2, sight);
                    if !found
                        && (matcher
                            .fuzzy_match(self.seen(doc, 4, sight), text)
                            .is_some()
                            || matcher
                                .fuzzy_match(self.seen(doc, 5, sight), text)
                                .is_some())
                    {
                        marked[2].extend(0..name.chars().count());
                    }
                }
                for positions in &mut marked {
                    positions.sort_unstable();
                    positions.dedup();
                }
                let [number_highlights, highlights, petitioner_highlights] = marked;
                Hit {
                    id: doc.id,
                    score: cheap * 1000 + fine,
                    number: self.field(doc, 0).to_uppercase(),
                    title: title.to_string(),
                    highlights,
                    petitioner: self.seen(doc, 2, sight).to_string(),
                    number_highlights,
                    petitioner_highlights,
                    county: self
                        .counties
                        .get(doc.county as usize)
                        .map_or(String::new(), |c| c.text.clone()),
                    state: State::ALL
                        .get(doc.state as usize)
                        .copied()
                        .unwrap_or(State::Registered),
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(b.id.cmp(&a.id)));
        hits.truncate(limit);
        matched.sort_unstable();
        Results {
            total: matched.len(),
            hits,
            matched,
        }
    }

    fn prepare<'q>(&self, atom: &'q Atom, today: NaiveDate) -> Prepared<'q> {
        let mut p = Prepared {
            atom,
            mask: [0; 4],
            id_shaped: false,
            tables: Tables::default(),
            due_limit: 0,
            today: 0,
        };
        p.today = chrono::Datelike::num_days_from_ce(&today);
        match &atom.term {
            Term::Text { text, mode } => {
                add_to_bloom(&mut p.mask, text);
                p.id_shaped = id_shaped(text);
                if !p.id_shaped {
                    let score =
                        |list: &[Named]| list.iter().map(|n| named_score(n, text, mode)).collect();
                    p.tables = Tables {
                        counties: score(&self.counties),
                        townships: score(&self.townships),
                        units: score(&self.units),
                        leaders: score(&self.leaders),
                        categories: score(&self.categories),
                    };
                }
            }
            Term::Field(field) => {
                let by_name = |list: &[Named], value: &str| -> Vec<i64> {
                    list.iter()
                        .map(|n| {
                            let hit = n.text.contains(value)
                                || n.full.contains(value)
                                || n.initials == value
                                || n.code.starts_with(value);
                            i64::from(hit)
                        })
                        .collect()
                };
                match field {
                    Field::Region(v) => {
                        p.tables.counties = by_name(&self.counties, v);
                        p.tables.townships = by_name(&self.townships, v);
                    }
                    Field::Category(v) => p.tables.categories = by_name(&self.categories, v),
                    Field::Unit(v) => p.tables.units = by_name(&self.units, v),
                    Field::Leader(v) => p.tables.leaders = by_name(&self.leaders, v),
                    Field::DueWithin(days) => p.due_limit = *days as i32,
                    _ => {}
                }
            }
        }
        p
    }

    /// The cheap score of a case, or `None` when it does not match.
    fn score(&self, position: usize, groups: &[Vec<Prepared>], sight: &Sight) -> Option<i64> {
        let doc = &self.docs[position];
        let bloom = &self.blooms[position];
        let hidden = sight.hides(doc);
        let mut total = 0;
        for group in groups {
            let mut group_score = None;
            for p in group {
                let hit = self.atom_score(doc, bloom, p, hidden);
                let result = if p.atom.negate {
                    if hit.is_some() { None } else { Some(0) }
                } else {
                    hit
                };
                if let Some(s) = result {
                    group_score = Some(group_score.map_or(s, |g: i64| g.max(s)));
                }
            }
            total += group_score?;
        }
        Some(total)
    }

    fn atom_score(&self, doc: &Doc, bloom: &[u64; 4], p: &Prepared, hidden: bool) -> Option<i64> {
        let lookup = |list: &Vec<i64>, index: usize| list.get(index).copied().filter(|s| *s > 0);
        match &p.atom.term {
            Term::Field(field) => {
                let ok = match field {
                    Field::State(state) => State::ALL.get(doc.state as usize) == Some(state),
                    Field::Overdue => doc.due != i32::MIN && doc.due < p.today,
                    Field::DueWithin(_) => doc.due != i32::MIN && doc.due <= p.today + p.due_limit,
                    Field::Region(_) => {
                        lookup(&p.tables.counties, doc.county as usize).is_some()
                            || lookup(&p.tables.townships, doc.township as usize).is_some()
                    }
                    Field::Category(_) => {
                        lookup(&p.tables.categories, doc.category as usize).is_some()
                    }
                    Field::Unit(_) => lookup(&p.tables.units, doc.unit as usize).is_some(),
                    Field::Leader(_) => lookup(&p.tables.leaders, doc.leader as usize).is_some(),
                    Field::Channel(channel) => {
                        Channel::ALL.get(doc.channel as usize) == Some(channel)
                    }
                    Field::Flag(flag) => {
                        let bit = match flag {
                            Flag::Supervised => FLAG_SUPERVISED,
                            Flag::Backlog => FLAG_BACKLOG,
                            Flag::Collective => FLAG_COLLECTIVE,
                            Flag::Repeat => FLAG_REPEAT,
                            Flag::Packaged => FLAG_PACKAGED,
                        };
                        doc.flags & bit != 0
                    }
                };
                ok.then_some(0)
            }
            Term::Text { text, mode } => {
                if p.id_shaped {
                    return id_score(self.field(doc, 0), text, mode);
                }
                let mut best: Option<i64> = None;
                consider(
                    &mut best,
                    lookup(&p.tables.townships, doc.township as usize),
                    2,
                );
                consider(
                    &mut best,
                    lookup(&p.tables.counties, doc.county as usize),
                    2,
                );
                consider(&mut best, lookup(&p.tables.units, doc.unit as usize), 2);
                consider(&mut best, lookup(&p.tables.leaders, doc.leader as usize), 2);
                consider(
                    &mut best,
                    lookup(&p.tables.categories, doc.category as usize),
                    2,
                );
                if !hidden && covers(bloom, &p.mask) {
                    consider(&mut best, text_score(self.field(doc, 2), text, mode), 3);
                    consider(&mut best, text_score(self.field(doc, 4), text, mode), 3);
                    consider(
                        &mut best,
                        text_score(self.field(doc, 5), text, mode).map(|s| s + 10),
                        3,
                    );
                    consider(&mut best, text_score(self.field(doc, 1), text, mode), 2);
                    // The summary is the longest field and weighs least: only when nothing else
                    // matched.
                    if best.is_none() {
                        consider(&mut best, text_score(self.field(doc, 3), text, mode), 1);
                    }
                }
                best
            }
        }
    }
}

/// What one thread found: every matching position, and its best (cheap score, position) pairs.
type PartResult = (Vec<u32>, Vec<(i64, u32)>);

/// True for a text term that looks like (part of) a case number: it is matched against numbers
/// only. A longer term can cross into this shape, so it is not a narrowing of a shorter one.
pub fn id_shaped(text: &str) -> bool {
    text.chars().filter(|c| c.is_ascii_digit()).count() >= 3 || text.starts_with("nx")
}

/// Keeps the better of `best` and `score × weight`.
fn consider(best: &mut Option<i64>, score: Option<i64>, weight: i64) {
    if let Some(s) = score {
        *best = Some(best.map_or(s * weight, |b| b.max(s * weight)));
    }
}

/// Table scores of one text term, per entry (0 = no match).
#[derive(Debug, Default)]
struct Tables {
    counties: Vec<i64>,
    townships: Vec<i64>,
    units: Vec<i64>,
    leaders: Vec<i64>,
    categories: Vec<i64>,
}

struct Prepared<'q> {
    atom: &'q Atom,
    mask: [u64; 4],
    id_shaped: bool,
    tables: Tables,
    due_limit: i32,
    today: i32,
}

fn named_score(named: &Named, text: &str, mode: &TextMode) -> i64 {
    [&named.text, &named.full, &named.initials]
        .iter()
        .filter_map(|field| text_score(field, text, mode))
        .max()
        .unwrap_or(0)
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Number matching: dashes are ignored; an exact number scores highest, a contained one well.
/// Allocation-free: it runs for every case while an id is typed.
fn id_score(number: &str, text: &str, mode: &TextMode) -> Option<i64> {
    let mut buffer = [0u8; 48];
    let mut length = 0;
    for b in number.bytes().filter(|b| *b != b'-') {
        if length == buffer.len() {
            return None;
        }
        buffer[length] = b;
        length += 1;
    }
    let number = &buffer[..length];
    let mut wanted = [0u8; 48];
    let mut wanted_length = 0;
    for b in text.bytes().filter(|b| *b != b'-') {
        if wanted_length == wanted.len() {
            return None;
        }
        wanted[wanted_length] = b;
        wanted_length += 1;
    }
    let text = &wanted[..wanted_length];
    if text.is_empty() || text.len() > number.len() {
        return None;
    }
    if number == text {
        return Some(10_000);
    }
    let found = match mode {
        TextMode::Prefix => number.starts_with(text),
        TextMode::Suffix => number.ends_with(text),
        _ => number.windows(text.len()).any(|w| w == text),
    };
    found.then(|| 5_000 - (number.len() - text.len()) as i64)
}

/// A cheap score of `text` in `field`: contiguous beats scattered, earlier beats later; `None`
/// when the characters do not all appear in order (fuzzy) or as required (other modes).
pub fn text_score(field: &str, text: &str, mode: &TextMode) -> Option<i64> {
    if field.is_empty() {
        return None;
    }
    let length = text.chars().count() as i64;
    match mode {
        TextMode::Exact => field.find(text).map(|at| 100 * length - at.min(50) as i64),
        TextMode::Prefix => field.starts_with(text).then_some(120 * length),
        TextMode::Suffix => field.ends_with(text).then_some(110 * length),
        TextMode::Fuzzy => {
            if let Some(at) = field.find(text) {
                return Some(100 * length - (at as i64).min(50));
            }
            // Characters in order, scattered: fewer gaps score higher.
            let mut chars = field.chars();
            let mut gaps = 0i64;
            let mut first = true;
            for wanted in text.chars() {
                let mut skipped = 0;
                loop {
                    match chars.next() {
                        Some(c) if c == wanted => break,
                        Some(_) => skipped += 1,
                        None => return None,
                    }
                }
                if !first {
                    gaps += skipped.min(20);
                }
                first = false;
            }
            Some((60 * length - gaps).max(1))
        }
    }
}
