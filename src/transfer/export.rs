//! `xinfang export`: written later in this file.
