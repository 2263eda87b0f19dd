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
    /// Let a user log in to `xinfang serve` with a public key (one line of a .pub file)
    #[command(group(clap::ArgGroup::new("source").required(true).args(["key", "file"])))]
    AddKey {
        name: String,
        /// The key itself: 'ssh-ed25519 AAAA… comment'
        #[arg(long, allow_hyphen_values = true)]
        key: Option<String>,
        /// A public key file (`li.pub`)
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// List a user's public keys (every user's without a name)
    Keys {
        name: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Tsv)]
        format: Format,
    },
    /// Take a public key away from a user, by its fingerprint (SHA256:…)
    RemoveKey { name: String, fingerprint: String },
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
    if let UserAction::Keys { name, format } = action {
        return list_keys(store.as_ref(), &users, name.as_deref(), *format);
    }
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
        UserAction::AddKey { name, key, file } => {
            let (line, origin) = match (key, file) {
                (Some(key), _) => (key.clone(), "--key".to_string()),
                (None, Some(file)) => (
                    read_key_file(file)?,
                    sanitise(&file.display().to_string()).into_owned(),
                ),
                (None, None) => bail!("give the key with --key or --file"),
            };
            let parsed =
                xinfang::sshkey::parse(&line).map_err(|e| anyhow::anyhow!("{origin}: {e}"))?;
            UserChange::AddKey {
                name: name.clone(),
                key: parsed.key,
                fingerprint: parsed.fingerprint,
                comment: parsed.comment,
            }
        }
        UserAction::RemoveKey { name, fingerprint } => UserChange::RemoveKey {
            name: name.clone(),
            fingerprint: fingerprint.trim().to_string(),
        },
        UserAction::List { .. } | UserAction::Keys { .. } => return Ok(ExitCode::SUCCESS),
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
    match &change {
        UserChange::AddKey {
            fingerprint,
            comment,
            ..
        } => {
            println!("{}\t{fingerprint}\t{comment}", sanitise(&user.name));
            return Ok(ExitCode::SUCCESS);
        }
        UserChange::RemoveKey { fingerprint, .. } => {
            println!(
                "removed\t{}\t{}",
                sanitise(&user.name),
                sanitise(fingerprint)
            );
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    println!(
        "{}\t{}\t{}",
        sanitise(&user.name),
        user.role.code(),
        user.scope
    );
    Ok(ExitCode::SUCCESS)
}

/// The one key of a public key file (comments and blank lines skipped).
fn read_key_file(file: &std::path::Path) -> Result<String> {
    let shown = sanitise(&file.display().to_string()).into_owned();
    let meta = std::fs::metadata(file).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    if meta.len() > 64 * 1024 {
        bail!("{shown}: too large for a public key file");
    }
    let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    if text.contains("PRIVATE KEY") {
        bail!("{shown}: this is a private key: give the public key (the .pub file)");
    }
    let keys: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    match keys.as_slice() {
        [one] => Ok((*one).to_string()),
        [] => bail!("{shown}: no key in the file"),
        many => bail!(
            "{shown}: {} keys in the file; add them one at a time with --key",
            many.len()
        ),
    }
}

fn list_keys(
    store: &dyn xinfang::store::Store,
    users: &[xinfang::store::User],
    name: Option<&str>,
    format: Format,
) -> Result<ExitCode> {
    if let Some(name) = name
        && !users.iter().any(|u| u.name == name)
    {
        bail!("no user `{}`", sanitise(name));
    }
    let keys = store.user_keys(name)?;
    match format {
        Format::Tsv => {
            println!("name\tfingerprint\tcomment\tadded");
            for k in &keys {
                println!(
                    "{}\t{}\t{}\t{}",
                    sanitise(&k.name),
                    sanitise(&k.fingerprint),
                    sanitise(&k.comment),
                    sanitise(&k.added_at)
                );
            }
        }
        Format::Json => {
            let clean: Vec<_> = keys
                .iter()
                .map(|k| {
                    serde_json::json!({
                        "name": sanitise(&k.name),
                        "fingerprint": sanitise(&k.fingerprint),
                        "key": sanitise(&k.key),
                        "comment": sanitise(&k.comment),
                        "added": sanitise(&k.added_at),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string(&clean)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}
