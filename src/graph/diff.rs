//! Comparing two snapshots of one account (filled in below).
