//! A real PostgreSQL server for tests (`XINFANG_TEST_PG`, default
//! `postgres://postgres@127.0.0.1:5432/test`), each test in a schema of its own. Without a server
//! a test says it was skipped — except under `CI=true`, where a missing server is a failure.

#![allow(dead_code)] // each test file uses a part

pub fn server() -> Option<String> {
    let url = std::env::var("XINFANG_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(_) => Some(url),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL is required when CI=true ({url}): {e}");
            }
            eprintln!("skipped: no PostgreSQL at {url} ({e})");
            None
        }
    }
}

/// A schema of its own on the test server, dropped when the test ends.
pub struct Schema {
    pub base: String,
    pub name: String,
}

impl Schema {
    pub fn new(base: &str, test: &str) -> Schema {
        let name = format!("xf_{test}_{}", std::process::id());
        let mut client = postgres::Client::connect(base, postgres::NoTls).expect("connect");
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name};"
            ))
            .expect("schema");
        Schema {
            base: base.to_string(),
            name,
        }
    }

    /// The server's URL with this schema first on the search path.
    pub fn url(&self) -> String {
        let joiner = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{joiner}options=-csearch_path%3D{}", self.base, self.name)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).expect("connect")
    }

    pub fn tables(&self) -> Vec<String> {
        self.client()
            .query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
                &[&self.name],
            )
            .expect("tables")
            .iter()
            .map(|r| r.get(0))
            .collect()
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}
