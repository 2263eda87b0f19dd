//! One `Store` implementation for every backend that can run the shared SQL: a backend says how
//! to read (and read one consistent snapshot) and how to write in one transaction; everything
//! else is the same queries.

use super::{Db, board, kpi, read, recompute, verify, write};
use crate::domain::kpi::{Kpis, Period};
use crate::domain::{Case, CaseId, Intake, State, Step};
use crate::store::{
    Campaign, CaseDetail, CheckReport, Cursor, Filter, Leader, Page, Scope, Sort, Store,
    StoreError, Unit, User,
};
use chrono::{NaiveDate, NaiveDateTime};

/// What a backend provides for the shared SQL.
pub trait Backend: Send + Sync {
    /// Runs `f` on a connection for reading.
    fn read<R>(&self, f: impl FnOnce(&dyn Db) -> Result<R, StoreError>) -> Result<R, StoreError>;

    /// Runs `f` in one read transaction, so that every query sees the same moment.
    fn snapshot<R>(
        &self,
        f: impl FnOnce(&dyn Db) -> Result<R, StoreError>,
    ) -> Result<R, StoreError>;

    /// Runs `f` in one write transaction: committed if `f` succeeds, rolled back otherwise.
    fn write<R>(&self, f: impl FnOnce(&dyn Db) -> Result<R, StoreError>) -> Result<R, StoreError>;

    /// See `Store::location`.
    fn place(&self) -> String;

    /// See `Store::check`: the backend's own checks, then `verify::shared_checks`.
    fn check_all(&self) -> Result<CheckReport, StoreError>;

    /// The authenticated database user, where the backend has one.
    fn session_user(&self) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    /// See `Store::head`.
    fn newest(&self) -> Result<i64, StoreError> {
        self.read(read::head)
    }
}

impl<T: Backend> Store for T {
    fn location(&self) -> String {
        self.place()
    }

    fn check(&self) -> Result<CheckReport, StoreError> {
        let (mut report, _, differences) = verify::with_replay(self, || self.check_all())?;
        for difference in differences {
            if report.problems.len() < verify::MAX_PROBLEMS {
                report.problems.push(difference);
            }
        }
        Ok(report)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.read(|db| {
            db.first(
                "SELECT value FROM meta WHERE key = ?",
                &crate::vals![key],
                |r| r.get(0),
            )
        })
    }

    fn database_user(&self) -> Result<Option<String>, StoreError> {
        self.session_user()
    }

    fn recompute(
        &self,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<crate::store::RecomputeReport, StoreError> {
        self.write(|db| {
            write::authorise(
                db,
                actor,
                crate::domain::access::Action::Recompute,
                ("recompute every deadline".into(), "重新计算全部期限".into()),
            )?;
            recompute::recompute(db, actor, at)
        })
    }

    fn counts(&self, filters: &[Filter], scope: &Scope) -> Result<Vec<u64>, StoreError> {
        self.read(|db| read::counts(db, filters, scope))
    }

    fn state_counts(&self, scope: &Scope) -> Result<Vec<(State, u64)>, StoreError> {
        self.read(|db| read::state_counts(db, scope))
    }

    fn page(
        &self,
        filter: &Filter,
        sort: Sort,
        scope: &Scope,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        self.read(|db| read::page(db, filter, sort, scope, cursor, limit))
    }

    fn case(&self, id: CaseId) -> Result<Option<CaseDetail>, StoreError> {
        self.read(|db| read::detail(db, id))
    }

    fn details(&self, ids: &[CaseId]) -> Result<Vec<crate::store::CaseDetail>, StoreError> {
        self.snapshot(|db| read::details(db, ids))
    }

    fn find(&self, number: &str) -> Result<Option<CaseId>, StoreError> {
        self.read(|db| read::find(db, number))
    }

    fn import(
        &self,
        actor: &str,
        at: NaiveDateTime,
        feed: &mut dyn FnMut(&mut super::import::Importer<'_>) -> Result<bool, StoreError>,
    ) -> Result<u64, StoreError> {
        self.write(|db| {
            let mut importer = super::import::Importer::start(db, actor, at)?;
            if feed(&mut importer)? {
                Ok(importer.added)
            } else {
                Err(StoreError::RolledBack)
            }
        })
    }

    fn register(
        &self,
        intake: &Intake,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<Case, StoreError> {
        self.write(|db| write::register(db, intake, actor, at))
    }

    fn apply(
        &self,
        id: CaseId,
        expected_version: i64,
        step: &Step,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<Case, StoreError> {
        self.write(|db| write::apply(db, id, expected_version, step, actor, at))
    }

    fn search_docs(
        &self,
        after: CaseId,
        limit: usize,
    ) -> Result<Vec<crate::store::SearchDoc>, StoreError> {
        self.read(|db| read::search_docs(db, after, limit))
    }

    fn head(&self) -> Result<i64, StoreError> {
        self.newest()
    }

    fn changed_since(&self, seq: i64) -> Result<(i64, Vec<CaseId>), StoreError> {
        self.read(|db| read::changed_since(db, seq))
    }

    fn undo_last(&self, id: CaseId, actor: &str, at: NaiveDateTime) -> Result<Case, StoreError> {
        self.write(|db| write::undo_last(db, id, actor, at))
    }

    fn related(&self, id: CaseId) -> Result<Vec<(CaseId, String, String, NaiveDate)>, StoreError> {
        self.read(|db| read::related(db, id))
    }

    fn audit(&self) -> Result<crate::store::AuditReport, StoreError> {
        let (mut report, replayed, rows) = verify::with_replay(self, || self.read(verify::audit))?;
        report.replayed = replayed;
        report.rows = rows;
        Ok(report)
    }

    fn change_user(
        &self,
        change: &crate::store::UserChange,
        actor: &str,
        at: NaiveDateTime,
    ) -> Result<User, StoreError> {
        self.write(|db| write::change_user(db, change, actor, at))
    }

    fn units(&self) -> Result<Vec<Unit>, StoreError> {
        self.read(read::units)
    }

    fn leaders(&self) -> Result<Vec<Leader>, StoreError> {
        self.read(read::leaders)
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        self.read(read::users)
    }

    fn user_keys(&self, name: Option<&str>) -> Result<Vec<crate::store::UserKey>, StoreError> {
        self.read(|db| read::user_keys(db, name))
    }

    fn key_owner(&self, fingerprint: &str) -> Result<Option<User>, StoreError> {
        self.read(|db| read::key_owner(db, fingerprint))
    }

    fn campaigns(&self) -> Result<Vec<Campaign>, StoreError> {
        self.read(read::campaigns)
    }

    fn kpis(&self, period: Period, scope: &Scope, as_of: NaiveDate) -> Result<Kpis, StoreError> {
        self.read(|db| kpi::kpis(db, period, scope, as_of))
    }

    fn board(
        &self,
        kind: crate::domain::board::BoardKind,
        query: &crate::store::board::BoardQuery,
    ) -> Result<crate::store::board::BoardData, StoreError> {
        self.snapshot(|db| board::board(db, kind, query))
    }

    fn brief(
        &self,
        query: &crate::store::brief::BriefQuery,
    ) -> Result<crate::store::brief::Brief, StoreError> {
        self.snapshot(|db| super::brief::brief(db, query))
    }
}
