//! `xinfang audit verify` and `xinfang user add|list|set-role|set-scope`.
//!
//! The store decides who may change users (`domain::access`: admins; the first user of an empty
//! database is its admin, added by themself); every change is an event on the audit chain.

use super::Context;
use super::cases::Format;
use anyhow::{Result, bail};
use clap::Subcommand;
use std::process::ExitCode;
use xinfang::domain::Role;
use xinfang::domain::region::PROVINCE_CODE;
use xinfang::store::{OpenMode, UserChange};
use xinfang::text::sanitise;

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check that no event was changed, inserted, removed or reordered (exit 1 if any was)
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user with a role and a region scope
    Add {
        name: String,
        #[arg(long, value_parser = ["viewer", "operator", "supervisor", "admin"])]
        role: String,
        /// Admin-code prefix of the user's region (64 = the province)
        #[arg(long, default_value = PROVINCE_CODE)]
        scope: String,
    },
    /// List the users
    List {
        #[arg(long, value_enum, default_value_t = Format::Tsv)]
        format: Format,
    },
    /// Change a user's role
    SetRole {
        name: String,
        #[arg(value_parser = ["viewer", "operator", "supervisor", "admin"])]
        role: String,
    },
    /// Change a user's region scope
    SetScope { name: String, scope: String },
}

pub fn audit(context: &Context, action: &AuditAction) -> Result<ExitCode> {
    match action {
        AuditAction::Verify => {
            let store = context.open(OpenMode::ReadOnly)?;
            let report = store.audit()?;
            let mut ok = true;
            if let Some(link) = &report.broken {
                println!(
                    "broken: event {} does not follow from event {} (changed, inserted, removed or reordered)",
                    link.seq, link.previous_seq
                );
                ok = false;
            }
            // Row text comes from the database, which may have been written behind xinfang's back.
            for number in &report.mismatched {
                println!(
                    "broken: case {} has a different number of events than its version says",
                    sanitise(number)
                );
                ok = false;
            }
            for line in &report.rows {
                println!("broken: {}", sanitise(line));
                ok = false;
            }
            if ok {
                println!(
                    "ok: {} events, chain intact; {} cases and every user equal the replay of their events",
                    report.events, report.replayed
                );
                Ok(ExitCode::SUCCESS)
            } else {
                if report.broken.is_some() || !report.mismatched.is_empty() {
                    eprintln!("xinfang: the audit chain of {} is broken", store.location());
                } else {
                    eprintln!(
                        "xinfang: rows of {} were changed outside xinfang: they differ from their events",
                        store.location()
                    );
                }
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

fn valid_scope(scope: &str) -> bool {
    matches!(scope.len(), 2 | 4 | 6 | 9)
        && scope.starts_with(PROVINCE_CODE)
        && scope.bytes().all(|b| b.is_ascii_digit())
}

pub fn user(context: &Context, action: &UserAction, asked: Option<&str>) -> Result<ExitCode> {
    let store = context.open(OpenMode::ReadWrite)?;
    let actor = super::identity::resolve(store.as_ref(), asked)?;
    let actor = actor.as_str();
    let users = store.users()?;
    if let UserAction::List { format } = action {
        match format {
            Format::Tsv => {
                println!("name\trole\tscope");
                for u in &users {
                    println!(
                        "{}\t{}\t{}",
                        sanitise(&u.name),
                        u.role.code(),
                        sanitise(&u.scope)
                    );
                }
            }
            Format::Json => {
                // Rows written behind xinfang's back may hold anything: JSON strings are
                // neutralised like every other output.
                let clean: Vec<_> = users
                    .iter()
                    .map(|u| {
                        let mut u = u.clone();
                        u.name = sanitise(&u.name).into_owned();
                        u.scope = sanitise(&u.scope).into_owned();
                        u
                    })
                    .collect();
                println!("{}", serde_json::to_string(&clean)?)
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let role =
        |code: &str| Role::from_code(code).ok_or_else(|| anyhow::anyhow!("unknown role `{code}`"));
    let change = match action {
        UserAction::Add {
            name,
            role: r,
            scope,
        } => UserChange::Add {
            name: name.clone(),
            role: role(r)?,
            scope: scope.clone(),
        },
        UserAction::SetRole { name, role: r } => UserChange::SetRole {
            name: name.clone(),
            role: role(r)?,
        },
        UserAction::SetScope { name, scope } => UserChange::SetScope {
            name: name.clone(),
            scope: scope.clone(),
        },
        UserAction::List { .. } => return Ok(ExitCode::SUCCESS),
    };
    if let UserChange::Add { scope, .. } | UserChange::SetScope { scope, .. } = &change
        && !valid_scope(scope)
    {
        bail!(
            "scope `{}` is not a Ningxia admin-code prefix (64, 6401, 640106, …)",
            sanitise(scope)
        );
    }
    let user = store.change_user(&change, actor, context.now)?;
    println!(
        "{}\t{}\t{}",
        sanitise(&user.name),
        user.role.code(),
        user.scope
    );
    Ok(ExitCode::SUCCESS)
}
