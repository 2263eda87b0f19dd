//! The OS login of this process: the name of its real user id in the password database. The
//! `USER` and `LOGNAME` variables are never read — anyone can set them.

/// The login name of the process's real user id; `#1234` for a user id without one (which no
/// user name can be, so it is a viewer everywhere).
pub fn os_login() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("#{uid}"),
    }
}
