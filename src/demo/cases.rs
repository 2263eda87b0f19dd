//! One demo case: intake drawn from realistic distributions (domain.md §10) and a life cycle
//! played through the real state machine, with repeats, backlog, packages and collective visits.

use super::people;
use super::reference::{self, DEMO_USER};
use super::simulate::Sim;
use super::text;
use crate::domain::region::{COUNTIES, Township, level_up};
use crate::domain::{
    Case, CaseId, Category, Channel, Class, DivertRoute, Duty, Intake, LeaderLevel, Outcome,
    Petitioner, Rules, Satisfaction, State, Step,
};
use crate::store::{Leader, StoredEvent};
use chrono::{Datelike, NaiveDateTime};
use rand::Rng;
use std::collections::VecDeque;

const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Online, 66),
    (Channel::Letter, 9),
    (Channel::Visit, 12),
    (Channel::Phone, 9),
    (Channel::Video, 3),
    (Channel::Fax, 1),
];

/// Subject categories, the seed article's hot spots weighted up.
const CATEGORIES: &[(Category, u32)] = &[
    (Category::PropertyCertificate, 14),
    (Category::LateHousing, 10),
    (Category::UnpaidWages, 15),
    (Category::BankruptInsurance, 5),
    (Category::FundRaising, 6),
    (Category::LandDemolition, 9),
    (Category::Resettlement, 5),
    (Category::Litigation, 5),
    (Category::Environment, 5),
    (Category::Health, 4),
    (Category::Education, 4),
    (Category::Agriculture, 5),
    (Category::Discipline, 8),
    (Category::Other, 5),
];

fn weighted<T: Copy, R: Rng>(rng: &mut R, items: &[(T, u32)], boost: impl Fn(T) -> u32) -> T {
    let total: u32 = items.iter().map(|(t, w)| w * boost(*t)).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        let w = weight * boost(*item);
        if pick < w {
            return *item;
        }
        pick -= w;
    }
    items[0].0
}

/// An earlier case a repeat petition can point back to.
#[derive(Clone)]
struct Earlier {
    id: CaseId,
    petitioner: Petitioner,
    category: Category,
    county: usize,
    township: usize,
    received: NaiveDateTime,
    state: State,
    backlog: bool,
    closed: Option<chrono::NaiveDate>,
}

/// Everything shared by the cases of one demo run.
pub struct Generator<'r> {
    rules: &'r Rules,
    now: NaiveDateTime,
    townships: Vec<Vec<Township>>,
    county_weights: Vec<(usize, u32)>,
    leaders: Vec<Leader>,
    /// Each unit's region, for the body one level up that reviews its replies.
    unit_regions: std::collections::HashMap<i64, String>,
    recent: VecDeque<Earlier>,
    backlog: VecDeque<Earlier>,
    /// Ids of backlog cases generated so far, with their receipt day.
    pub backlog_ids: Vec<(CaseId, chrono::NaiveDate)>,
}

impl<'r> Generator<'r> {
    pub fn new(rules: &'r Rules, now: NaiveDateTime) -> Self {
        Generator {
            rules,
            now,
            townships: COUNTIES
                .iter()
                .map(crate::domain::region::townships)
                .collect(),
            county_weights: COUNTIES
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.weight))
                .collect(),
            leaders: reference::leaders(),
            unit_regions: reference::units()
                .into_iter()
                .map(|u| (u.id, u.region))
                .collect(),
            recent: VecDeque::with_capacity(4096),
            backlog: VecDeque::with_capacity(1024),
            backlog_ids: Vec::new(),
        }
    }

    /// Generates case `id` (number `number`) received at `received`.
    pub fn case<R: Rng>(
        &mut self,
        rng: &mut R,
        id: CaseId,
        number: String,
        received: NaiveDateTime,
    ) -> (Case, Vec<StoredEvent>) {
        let age_days = (self.now.date() - received.date()).num_days();
        // How far back in the history (1 = its first day): repeats and collective visits were
        // more common then, and fall year on year (the seed article).
        let age = (age_days as f64 / super::HISTORY_DAYS as f64).clamp(0.0, 1.0);
        let repeat_of = if rng.random_bool(0.035 + 0.0042 * age) {
            self.pick_earlier(rng, received)
        } else {
            None
        };
        let (category, county, township, petitioner) = match &repeat_of {
            Some(e) => (e.category, e.county, e.township, e.petitioner.clone()),
            None => {
                let winter = matches!(received.month(), 12 | 1);
                let category = weighted(rng, CATEGORIES, |c| {
                    if winter && c == Category::UnpaidWages {
                        2
                    } else {
                        1
                    }
                });
                let county = weighted(rng, &self.county_weights, |_| 1);
                let township = rng.random_range(0..self.townships[county].len());
                let c = &COUNTIES[county];
                let p =
                    people::petitioner(rng, c.code, c.name, &self.townships[county][township].name);
                (category, county, township, p)
            }
        };
        let c = &COUNTIES[county];
        let town = &self.townships[county][township];
        let (mut title, mut summary) = text::petition(rng, category, &town.name);
        if repeat_of.is_some() {
            title = format!("再次反映：{title}");
        }
        if id == 7 || id % 20_000 == 0 {
            summary = text::hostile(&summary, id as u64);
        }
        let collective = rng.random_bool(0.0012 + 0.006 * age);
        let persons = if collective {
            rng.random_range(5..=60)
        } else {
            1
        };
        // Online registrations from the last two days may still lack a category.
        // (An accusation is registered with its category: it is confidential from the start.)
        let incomplete = age_days <= 2 && category != Category::Discipline && rng.random_bool(0.35);
        let intake = Intake {
            title,
            summary,
            channel: weighted(rng, CHANNELS, |_| 1),
            category: if incomplete { None } else { Some(category) },
            county: c.code.to_string(),
            township: town.code.clone(),
            petitioner,
            persons,
            involved: if collective {
                persons * rng.random_range(1..=6)
            } else {
                rng.random_range(1..=3)
            },
            threat: rng.random_bool(0.0015),
            urgent: rng.random_bool(0.0025) || (collective && rng.random_bool(0.3)),
            received_on: received.date(),
            accused: String::new(),
            accused_unit: None,
        };
        let operator = reference::operator_for(c.code);
        let registrar = if intake.channel == Channel::Online {
            "网上信访平台"
        } else {
            operator
        };
        let case = Case::registered(id, number, intake);
        let mut sim = Sim::new(case, received, registrar, self.now, self.rules);
        let hard = rng.random_bool(if age_days > 150 { 0.035 } else { 0.004 })
            && category != Category::Litigation;
        if collective {
            let at = sim.after(rng, 0);
            sim.side(at, operator, Step::FlagCollective { on: true });
        }
        if let Some(e) = &repeat_of {
            let at = sim.after(rng, 0);
            let of_final = e.state == State::Final;
            sim.side(at, operator, Step::LinkRepeat { of: e.id, of_final });
        }
        if !incomplete {
            self.life(
                rng,
                &mut sim,
                county,
                category,
                hard,
                repeat_of.as_ref(),
                collective,
            );
        }
        if sim.case.state.is_open() {
            if age_days > 40 && rng.random_bool(0.3) {
                let at = sim.within(rng, 1, 5);
                sim.side(at, DEMO_USER, Step::Supervise { on: true });
            }
            let owner = if rng.random_bool(0.1) {
                DEMO_USER
            } else {
                operator
            };
            let at = sim.after(rng, 0);
            sim.side(
                at,
                owner,
                Step::AssignOwner {
                    owner: Some(owner.to_string()),
                },
            );
        }
        let earlier = Earlier {
            id,
            petitioner: sim.case.intake.petitioner.clone(),
            category,
            county,
            township,
            received,
            state: sim.case.state,
            backlog: sim.case.backlog,
            closed: sim.case.dates.closed_on,
        };
        if sim.case.backlog {
            self.backlog_ids.push((id, received.date()));
            push_bounded(&mut self.backlog, earlier.clone(), 1024);
        }
        push_bounded(&mut self.recent, earlier, 4096);
        (sim.case, sim.events)
    }

    fn pick_earlier<R: Rng>(&self, rng: &mut R, received: NaiveDateTime) -> Option<Earlier> {
        let day = received.date();
        let usable = |e: &Earlier, rng: &mut R| {
            // A backlog case is mostly petitioned again before it is resolved; after a 息诉罢访
            // agreement rarely (which would undo its clearance).
            let after_resolution = e.backlog && e.closed.is_some_and(|c| c < day);
            e.received.date() + chrono::Days::new(3) <= day
                && (!after_resolution || rng.random_bool(0.03))
        };
        for pool in [&self.backlog, &self.recent] {
            if pool.is_empty() || (std::ptr::eq(pool, &self.backlog) && !rng.random_bool(0.3)) {
                continue;
            }
            let e = &pool[rng.random_range(0..pool.len())];
            if usable(e, rng) {
                return Some(e.clone());
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn life<R: Rng>(
        &self,
        rng: &mut R,
        sim: &mut Sim<'_>,
        county: usize,
        category: Category,
        hard: bool,
        repeat_of: Option<&Earlier>,
        collective: bool,
    ) {
        let operator = reference::operator_for(COUNTIES[county].code);
        let dispose = pick_days(rng, &[(85, 0, 2), (13, 3, 10), (2, 11, 22)]);
        let at = sim.after(rng, dispose);
        if category == Category::Litigation && rng.random_bool(0.92) {
            let step = Step::Divert {
                route: DivertRoute::Litigation,
                reason: "涉法涉诉，依法导入诉讼程序".into(),
            };
            sim.step(at, operator, step);
            return;
        }
        if repeat_of.is_some_and(|e| e.state == State::Final) {
            let reason = "该事项已复核终结，同一事实和理由不再受理（第三十六条）".into();
            sim.step(at, operator, Step::Decline { reason });
            return;
        }
        if rng.random_bool(0.018) {
            let reason = "同一事项已在下级机关办理期限内（第十九条）".into();
            sim.step(at, operator, Step::Decline { reason });
            return;
        }
        if category == Category::UnpaidWages && rng.random_bool(0.02) {
            let step = Step::Divert {
                route: DivertRoute::Arbitration,
                reason: "属劳动争议，引导申请劳动仲裁".into(),
            };
            sim.step(at, operator, step);
            return;
        }
        let kind = reference::unit_kind_for(category);
        let unit = if rng.random_bool(0.08) {
            reference::province_unit_id(kind)
        } else {
            reference::county_unit_id(county, kind)
        };
        if category == Category::Discipline {
            // An accusation against an official of another county unit (Art 30).
            let accused = reference::county_unit_id(county, (kind + 1) % 12);
            let at = sim.after(rng, 0);
            sim.side(
                at,
                operator,
                Step::RecordAccused {
                    name: people::official(rng),
                    unit: (accused != unit).then_some(accused),
                },
            );
        }
        if !sim.step(
            at,
            operator,
            Step::Forward {
                unit,
                assign: rng.random_bool(0.2),
            },
        ) {
            return;
        }
        if rng.random_bool(0.01) {
            let at = sim.within(rng, 1, 4);
            if !sim.step(
                at,
                "责任单位",
                Step::Object {
                    reason: "不属于本单位职责范围".into(),
                },
            ) {
                return;
            }
            let at = sim.within(rng, 0, 2);
            if !sim.step(
                at,
                operator,
                Step::DecideObjection {
                    agree: true,
                    reason: "经审核，确不属于该单位职责范围".into(),
                    restart: None,
                },
            ) {
                return;
            }
            let at = sim.within(rng, 0, 2);
            let step = Step::Forward {
                unit: reference::province_unit_id(kind),
                assign: true,
            };
            if !sim.step(at, operator, step) {
                return;
            }
        }
        let accept = pick_days(rng, &[(90, 1, 5), (8, 6, 12), (2, 13, 25)]);
        let class = if category == Category::Discipline
            || (matches!(
                category,
                Category::LandDemolition | Category::FundRaising | Category::Agriculture
            ) && rng.random_bool(0.08))
        {
            Class::Accusation
        } else if rng.random_bool(0.12) {
            Class::Suggestion
        } else {
            Class::Demand
        };
        let at = sim.after(rng, accept);
        if !sim.step(at, "责任单位", Step::Accept { class }) {
            return;
        }
        let accepted = sim.cursor;
        if rng.random_bool(0.7) {
            let at = sim.within(rng, 0, 1);
            sim.step(at, "责任单位", Step::StartHandling);
        }
        if hard {
            let at = sim.within(rng, 3, 20);
            sim.side(at, DEMO_USER, Step::FlagBacklog { on: true });
        }
        if hard && rng.random_bool(0.85) || collective && rng.random_bool(0.6) {
            let leader = self.leader_for(rng, county, kind);
            let at = sim.within(rng, 0, 5);
            if sim.side(at, DEMO_USER, Step::PackageToLeader { leader: leader.id }) {
                let at = sim.within(rng, 1, 5);
                sim.side(
                    at,
                    &leader.name,
                    Step::TickDuty {
                        duty: Duty::KnowSituation,
                        note: "已阅卷并走访信访人".into(),
                    },
                );
            }
        }
        let handling = if hard {
            pick_days(rng, &[(50, 30, 55), (50, 56, 85)])
        } else {
            pick_days(
                rng,
                &[
                    (25, 5, 10),
                    (62, 9, 17),
                    (9, 20, 35),
                    (3, 36, 58),
                    (1, 59, 80),
                ],
            )
        };
        if handling > 52 && sim.case.has_statutory_clock() && rng.random_bool(0.6) {
            let at = accepted + chrono::Duration::days(rng.random_range(35..=50));
            sim.step(
                at.max(sim.cursor),
                "责任单位",
                Step::Extend {
                    days: rng.random_range(15..=30),
                    reason: "案情复杂，需进一步调查核实".into(),
                },
            );
        }
        let outcome = weighted(
            rng,
            &[
                (Outcome::Supported, 55),
                (Outcome::Explained, 35),
                (Outcome::NotSupported, 10),
            ],
            |_| 1,
        );
        let at = (accepted + chrono::Duration::days(handling)).max(sim.cursor);
        if !sim.step(
            at,
            "责任单位",
            Step::Reply {
                outcome,
                text: reply_text(outcome),
                delivered_on: None,
            },
        ) {
            return;
        }
        let leader_ticks = |sim: &mut Sim<'_>, rng: &mut R, duties: &[Duty]| {
            if let Some(p) = sim.case.package.as_ref() {
                let name = self
                    .leaders
                    .iter()
                    .find(|l| l.id == p.leader)
                    .map_or("领导", |l| l.name.as_str())
                    .to_string();
                for duty in duties {
                    let at = sim.within(rng, 0, 3);
                    sim.side(
                        at,
                        &name,
                        Step::TickDuty {
                            duty: *duty,
                            note: "已落实".into(),
                        },
                    );
                }
            }
        };
        leader_ticks(sim, rng, &[Duty::Resolve, Duty::Counsel]);
        let appeal = if hard { 0.6 } else { 0.25 };
        if !self.evaluate_or_appeal(rng, sim, outcome, appeal) {
            return;
        }
        if sim.case.state == State::InReview {
            let days = pick_days(rng, &[(95, 10, 28), (5, 31, 40)]);
            let outcome = weighted(
                rng,
                &[
                    (Outcome::Supported, 20),
                    (Outcome::Explained, 50),
                    (Outcome::NotSupported, 30),
                ],
                |_| 1,
            );
            let at = sim.after(rng, days);
            if !sim.step(
                at,
                "上一级机关",
                Step::ReplyReview {
                    outcome,
                    text: "复查意见：维持原处理意见".into(),
                    delivered_on: None,
                },
            ) {
                return;
            }
            if !self.evaluate_or_appeal(rng, sim, outcome, if hard { 0.6 } else { 0.35 }) {
                return;
            }
            if sim.case.state == State::InReReview {
                if rng.random_bool(0.1) {
                    let at = sim.within(rng, 3, 10);
                    sim.step(
                        at,
                        "复核机关",
                        Step::RecordHearing {
                            days: rng.random_range(3..=7),
                        },
                    );
                }
                let days = pick_days(rng, &[(95, 8, 26), (5, 31, 40)]);
                let at = sim.after(rng, days);
                sim.step(
                    at,
                    "复核机关",
                    Step::Finalise {
                        outcome: Outcome::NotSupported,
                        text: "复核意见：维持复查意见，依法终结".into(),
                    },
                );
            }
        }
        if !sim.case.state.is_open() && sim.case.backlog && rng.random_bool(0.99) {
            let at = sim.within(rng, 3, 40);
            if sim.side(at, operator, Step::SignAgreement) {
                leader_ticks(sim, rng, &[Duty::EducateStabilise, Duty::StopPetitioning]);
            }
        }
    }

    /// After a reply or review opinion: the petitioner evaluates, then either appeals in time or
    /// the case is concluded. Returns false when the life cycle stopped ("now" was reached).
    fn evaluate_or_appeal<R: Rng>(
        &self,
        rng: &mut R,
        sim: &mut Sim<'_>,
        outcome: Outcome,
        appeal: f64,
    ) -> bool {
        let rating = match outcome {
            Outcome::NotSupported => weighted(
                rng,
                &[
                    (Satisfaction::Satisfied, 70),
                    (Satisfaction::BasicallySatisfied, 20),
                    (Satisfaction::Unsatisfied, 10),
                ],
                |_| 1,
            ),
            _ => weighted(
                rng,
                &[
                    (Satisfaction::Satisfied, 86),
                    (Satisfaction::BasicallySatisfied, 12),
                    (Satisfaction::Unsatisfied, 2),
                ],
                |_| 1,
            ),
        };
        let evaluated = rng.random_bool(0.975) && {
            let at = sim.within(rng, 1, 10);
            sim.side(at, "信访人", Step::Evaluate { rating })
        };
        let dissatisfied =
            !evaluated || rating == Satisfaction::Unsatisfied || outcome == Outcome::NotSupported;
        let (request, window_start) = match sim.case.state {
            State::Replied => (
                Step::RequestReview {
                    body: level_up(
                        sim.case
                            .unit
                            .and_then(|u| self.unit_regions.get(&u))
                            .map_or(sim.case.intake.county.as_str(), String::as_str),
                    ),
                },
                crate::domain::deadline::reply_received_on(&sim.case),
            ),
            _ => (
                Step::RequestReReview {
                    body: level_up(sim.case.review_body.as_deref().unwrap_or("64")),
                },
                crate::domain::deadline::review_received_on(&sim.case),
            ),
        };
        // Suggestions and accusations have no review chain (Art 35–36).
        if dissatisfied && sim.case.has_statutory_clock() && rng.random_bool(appeal) {
            // Within the 30-day window (Arts 35–36), counted from delivery.
            let closes = window_start
                .map(|d| d + chrono::Days::new(30))
                .and_then(|d| d.and_hms_opt(17, 0, 0));
            let mut at = sim.within(rng, 3, 25);
            if let Some(closes) = closes {
                at = at.min(closes).max(sim.cursor);
            }
            return sim.step(at, "信访人", request);
        }
        let at = if evaluated && rating != Satisfaction::Unsatisfied {
            sim.within(rng, 1, 5)
        } else {
            let start = window_start.unwrap_or(sim.cursor.date());
            let day = start + chrono::Days::new(rng.random_range(31..=40));
            day.and_hms_opt(10, 0, 0)
                .unwrap_or_default()
                .max(sim.cursor)
        };
        sim.step(at, "责任单位", Step::Conclude)
    }

    fn leader_for<R: Rng>(&self, rng: &mut R, county: usize, kind: usize) -> &Leader {
        let code = COUNTIES[county].code;
        let level = weighted(
            rng,
            &[
                (LeaderLevel::Province, 15),
                (LeaderLevel::City, 15),
                (LeaderLevel::County, 45),
                (LeaderLevel::Department, 15),
                (LeaderLevel::Township, 10),
            ],
            |_| 1,
        );
        let candidates: Vec<&Leader> = self
            .leaders
            .iter()
            .filter(|l| l.level == level)
            .filter(|l| match level {
                LeaderLevel::City | LeaderLevel::County => code.starts_with(&l.region),
                _ => true,
            })
            .collect();
        let fallback = &self.leaders[(county + kind) % self.leaders.len()];
        if candidates.is_empty() {
            fallback
        } else {
            candidates[rng.random_range(0..candidates.len())]
        }
    }
}

fn push_bounded(queue: &mut VecDeque<Earlier>, item: Earlier, cap: usize) {
    if queue.len() == cap {
        queue.pop_front();
    }
    queue.push_back(item);
}

/// Days drawn from weighted ranges `(weight, low, high)`.
fn pick_days<R: Rng>(rng: &mut R, ranges: &[(u32, i64, i64)]) -> i64 {
    let total: u32 = ranges.iter().map(|r| r.0).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (weight, low, high) in ranges {
        if pick < *weight {
            return rng.random_range(*low..=*high);
        }
        pick -= weight;
    }
    ranges.first().map_or(0, |r| r.1)
}

fn reply_text(outcome: Outcome) -> String {
    match outcome {
        Outcome::Supported => "经调查核实，信访人诉求合理，已督促责任主体限期解决。".into(),
        Outcome::Explained => "经调查核实，已向信访人解释相关政策依据。".into(),
        Outcome::NotSupported => "经调查核实，信访人诉求缺乏事实和法律依据，不予支持。".into(),
    }
}
