//! Documents the platform writes: the payment voucher.

pub mod voucher;
