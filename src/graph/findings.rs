//! Risk findings (filled in below).
