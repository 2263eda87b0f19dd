//! `xinfang serve`: the console and wall boards over SSH.
