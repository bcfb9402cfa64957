//! How a fee order may be paid, and the states it goes through.
//!
//! Two payment flows exist in the province. The Qingdao intermediate court and its basic
//! courts have a platform of their own: an order is created there first, then paid by
//! Alipay, WeChat Pay or the online banking of five banks. Every other court — including
//! the maritime court and the Qingdao railway court, which sit in Qingdao but are not part
//! of its fee jurisdiction — uses the provincial non-tax payment platform: WeChat Pay,
//! Alipay, corporate online banking and UnionPay, plus personal online banking when the
//! total exceeds 200,000 yuan. Personal online banking works with seven banks, and only
//! with those where the court's local finance bureau holds an account; the others are
//! shown but cannot be chosen.

use chrono::NaiveDate;

use crate::domain::money::Money;

/// The total above which personal online banking is offered (200,000 yuan, exclusive).
pub const PERSONAL_BANKING_ABOVE: Money = Money::from_yuan(200_000);

/// The payment platform, and with it the flow, of a court.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// The provincial non-tax payment platform (省非税统一支付平台).
    Provincial,
    /// The Qingdao courts' platform: an order first, then the channel.
    Qingdao,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Provincial => "provincial",
            Platform::Qingdao => "qingdao",
        }
    }

    pub fn parse(name: &str) -> Option<Platform> {
        [Platform::Provincial, Platform::Qingdao]
            .into_iter()
            .find(|platform| platform.as_str() == name)
    }

    /// The platform of a court, by whether it belongs to the Qingdao fee jurisdiction.
    pub fn of_court(in_qingdao_jurisdiction: bool) -> Platform {
        if in_qingdao_jurisdiction {
            Platform::Qingdao
        } else {
            Platform::Provincial
        }
    }
}

/// A way of paying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    WechatPay,
    Alipay,
    /// Corporate online banking: an operator pays, a second approver confirms.
    CorporateBanking,
    UnionPay,
    /// Personal online banking through one of [`PERSONAL_BANKS`] (provincial flow).
    PersonalBanking,
    /// Online banking through one of [`QINGDAO_BANKS`] (Qingdao flow).
    OnlineBanking,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::WechatPay,
        Channel::Alipay,
        Channel::CorporateBanking,
        Channel::UnionPay,
        Channel::PersonalBanking,
        Channel::OnlineBanking,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::WechatPay => "wechat_pay",
            Channel::Alipay => "alipay",
            Channel::CorporateBanking => "corporate_banking",
            Channel::UnionPay => "unionpay",
            Channel::PersonalBanking => "personal_banking",
            Channel::OnlineBanking => "online_banking",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Channel::WechatPay => "微信支付",
            Channel::Alipay => "支付宝",
            Channel::CorporateBanking => "对公网银",
            Channel::UnionPay => "银联支付",
            Channel::PersonalBanking => "个人网银",
            Channel::OnlineBanking => "网上银行",
        }
    }

    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.as_str() == name)
    }

    /// Whether a bank must be chosen with this channel.
    pub fn needs_bank(self) -> bool {
        matches!(self, Channel::PersonalBanking | Channel::OnlineBanking)
    }
}

/// A bank of the online-banking channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bank {
    Icbc,
    Abc,
    Boc,
    Ccb,
    Cmb,
    Psbc,
    Citic,
    Bocom,
}

/// The banks of personal online banking in the provincial flow, in the order shown.
pub const PERSONAL_BANKS: [Bank; 7] = [
    Bank::Icbc,
    Bank::Abc,
    Bank::Boc,
    Bank::Ccb,
    Bank::Cmb,
    Bank::Psbc,
    Bank::Citic,
];

/// The banks of the Qingdao flow, in the order shown.
pub const QINGDAO_BANKS: [Bank; 5] = [Bank::Icbc, Bank::Bocom, Bank::Ccb, Bank::Abc, Bank::Boc];

impl Bank {
    const ALL: [Bank; 8] = [
        Bank::Icbc,
        Bank::Abc,
        Bank::Boc,
        Bank::Ccb,
        Bank::Cmb,
        Bank::Psbc,
        Bank::Citic,
        Bank::Bocom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Bank::Icbc => "icbc",
            Bank::Abc => "abc",
            Bank::Boc => "boc",
            Bank::Ccb => "ccb",
            Bank::Cmb => "cmb",
            Bank::Psbc => "psbc",
            Bank::Citic => "citic",
            Bank::Bocom => "bocom",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Bank::Icbc => "中国工商银行",
            Bank::Abc => "中国农业银行",
            Bank::Boc => "中国银行",
            Bank::Ccb => "中国建设银行",
            Bank::Cmb => "招商银行",
            Bank::Psbc => "中国邮政储蓄银行",
            Bank::Citic => "中信银行",
            Bank::Bocom => "交通银行",
        }
    }

    pub fn parse(name: &str) -> Option<Bank> {
        Bank::ALL.into_iter().find(|bank| bank.as_str() == name)
    }
}

/// A bank as offered with a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankOption {
    pub bank: Bank,
    /// Whether it can be chosen (the local finance bureau holds an account there).
    pub available: bool,
}

/// A channel as offered for one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOption {
    pub channel: Channel,
    /// The banks of an online-banking channel; empty for the others.
    pub banks: Vec<BankOption>,
}

/// The channels an order of `total` may be paid with on `platform`; `bank_available` says
/// whether the court's finance bureau holds an account with a bank of personal online
/// banking.
pub fn channels(
    platform: Platform,
    total: Money,
    bank_available: impl Fn(Bank) -> bool,
) -> Vec<ChannelOption> {
    let plain = |channel| ChannelOption {
        channel,
        banks: Vec::new(),
    };
    match platform {
        Platform::Provincial => {
            let mut options = vec![
                plain(Channel::WechatPay),
                plain(Channel::Alipay),
                plain(Channel::CorporateBanking),
                plain(Channel::UnionPay),
            ];
            if total > PERSONAL_BANKING_ABOVE {
                options.push(ChannelOption {
                    channel: Channel::PersonalBanking,
                    banks: PERSONAL_BANKS
                        .into_iter()
                        .map(|bank| BankOption {
                            bank,
                            available: bank_available(bank),
                        })
                        .collect(),
                });
            }
            options
        }
        Platform::Qingdao => vec![
            plain(Channel::Alipay),
            plain(Channel::WechatPay),
            ChannelOption {
                channel: Channel::OnlineBanking,
                banks: QINGDAO_BANKS
                    .into_iter()
                    .map(|bank| BankOption {
                        bank,
                        available: true,
                    })
                    .collect(),
            },
        ],
    }
}

/// Why a chosen channel cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelRefusal {
    /// Not offered for this order (flow or amount).
    ChannelNotOffered,
    /// An online-banking channel without a bank.
    BankMissing,
    /// A bank with a channel that takes none.
    BankNotExpected,
    /// A bank that is not offered with this channel.
    BankNotOffered,
    /// Offered but not selectable (no finance-bureau account there).
    BankUnavailable,
}

/// Checks a choice of channel and bank against what is offered.
pub fn check_choice(
    offered: &[ChannelOption],
    channel: Channel,
    bank: Option<Bank>,
) -> Result<(), ChannelRefusal> {
    let option = offered
        .iter()
        .find(|option| option.channel == channel)
        .ok_or(ChannelRefusal::ChannelNotOffered)?;
    match (channel.needs_bank(), bank) {
        (true, None) => Err(ChannelRefusal::BankMissing),
        (false, Some(_)) => Err(ChannelRefusal::BankNotExpected),
        (false, None) => Ok(()),
        (true, Some(bank)) => match option.banks.iter().find(|b| b.bank == bank) {
            None => Err(ChannelRefusal::BankNotOffered),
            Some(b) if !b.available => Err(ChannelRefusal::BankUnavailable),
            Some(_) => Ok(()),
        },
    }
}

/// The day a payment's money reaches the treasury, and so the daily statement it appears
/// in: the day it was paid (in Asia/Shanghai), except personal online banking, which the
/// banks settle on the next working day.
pub fn settlement_date(
    channel: Channel,
    paid_on: NaiveDate,
    next_working_day: impl Fn(NaiveDate) -> NaiveDate,
) -> NaiveDate {
    match channel {
        Channel::PersonalBanking => next_working_day(paid_on),
        _ => paid_on,
    }
}

/// The statuses of a fee order, exactly as the platform shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeOrderStatus {
    AwaitingPayment,
    /// A payment started and waits for something outside (a corporate second approver).
    PaymentInProgress,
    /// Paid; the treasury has not confirmed it yet. Shown as success.
    PaidAwaitingSettlement,
    Settled,
    Expired,
    Cancelled,
    /// Money arrived for an expired or cancelled order; kept for refund review.
    PaidAfterExpiry,
    PartiallyRefunded,
    Refunded,
}

impl FeeOrderStatus {
    pub const ALL: [FeeOrderStatus; 9] = [
        FeeOrderStatus::AwaitingPayment,
        FeeOrderStatus::PaymentInProgress,
        FeeOrderStatus::PaidAwaitingSettlement,
        FeeOrderStatus::Settled,
        FeeOrderStatus::Expired,
        FeeOrderStatus::Cancelled,
        FeeOrderStatus::PaidAfterExpiry,
        FeeOrderStatus::PartiallyRefunded,
        FeeOrderStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FeeOrderStatus::AwaitingPayment => "awaiting_payment",
            FeeOrderStatus::PaymentInProgress => "payment_in_progress",
            FeeOrderStatus::PaidAwaitingSettlement => "paid_awaiting_settlement",
            FeeOrderStatus::Settled => "settled",
            FeeOrderStatus::Expired => "expired",
            FeeOrderStatus::Cancelled => "cancelled",
            FeeOrderStatus::PaidAfterExpiry => "paid_after_expiry",
            FeeOrderStatus::PartiallyRefunded => "partially_refunded",
            FeeOrderStatus::Refunded => "refunded",
        }
    }

    pub fn parse(name: &str) -> Option<FeeOrderStatus> {
        FeeOrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
    }

    /// Whether a payment may be started: nothing has been paid and the notice runs.
    pub fn accepts_payment(self) -> bool {
        matches!(
            self,
            FeeOrderStatus::AwaitingPayment | FeeOrderStatus::PaymentInProgress
        )
    }

    /// Whether money for the order has been received.
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            FeeOrderStatus::PaidAwaitingSettlement
                | FeeOrderStatus::Settled
                | FeeOrderStatus::PaidAfterExpiry
                | FeeOrderStatus::PartiallyRefunded
                | FeeOrderStatus::Refunded
        )
    }

    /// The status after a payment of the order succeeded; `None` when the order has
    /// already been paid (the money is a duplicate).
    pub fn on_paid(self) -> Option<FeeOrderStatus> {
        match self {
            FeeOrderStatus::AwaitingPayment | FeeOrderStatus::PaymentInProgress => {
                Some(FeeOrderStatus::PaidAwaitingSettlement)
            }
            FeeOrderStatus::Expired | FeeOrderStatus::Cancelled => {
                Some(FeeOrderStatus::PaidAfterExpiry)
            }
            _ => None,
        }
    }

    /// The status after refunds totalling `refunded` of `paid`.
    pub fn after_refund(self, refunded: Money, paid: Money) -> FeeOrderStatus {
        if refunded.is_zero() {
            self
        } else if refunded >= paid {
            FeeOrderStatus::Refunded
        } else {
            FeeOrderStatus::PartiallyRefunded
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn names(options: &[ChannelOption]) -> Vec<&'static str> {
        options.iter().map(|o| o.channel.as_str()).collect()
    }

    #[test]
    fn personal_banking_appears_only_above_200000_yuan() {
        for (total, expected) in [
            ("2300.00", false),
            ("200000.00", false),
            ("200000.01", true),
            ("250000.00", true),
        ] {
            let offered = channels(Platform::Provincial, yuan(total), |_| true);
            assert_eq!(
                names(&offered).contains(&"personal_banking"),
                expected,
                "{total}"
            );
            assert_eq!(
                &names(&offered)[..4],
                ["wechat_pay", "alipay", "corporate_banking", "unionpay"]
            );
        }
    }

    #[test]
    fn banks_without_a_finance_bureau_account_are_shown_but_not_selectable() {
        let offered = channels(Platform::Provincial, yuan("250000.00"), |bank| {
            bank != Bank::Cmb
        });
        let personal = offered.last().unwrap();
        assert_eq!(personal.banks.len(), 7);
        let cmb = personal.banks.iter().find(|b| b.bank == Bank::Cmb).unwrap();
        assert!(!cmb.available);
        assert_eq!(
            check_choice(&offered, Channel::PersonalBanking, Some(Bank::Cmb)),
            Err(ChannelRefusal::BankUnavailable)
        );
        assert_eq!(
            check_choice(&offered, Channel::PersonalBanking, Some(Bank::Icbc)),
            Ok(())
        );
        assert_eq!(
            check_choice(&offered, Channel::PersonalBanking, Some(Bank::Bocom)),
            Err(ChannelRefusal::BankNotOffered)
        );
        assert_eq!(
            check_choice(&offered, Channel::PersonalBanking, None),
            Err(ChannelRefusal::BankMissing)
        );
    }

    #[test]
    fn the_qingdao_flow_offers_its_own_channels_and_banks() {
        let offered = channels(Platform::Qingdao, yuan("250000.00"), |_| false);
        assert_eq!(names(&offered), ["alipay", "wechat_pay", "online_banking"]);
        let banks: Vec<_> = offered[2].banks.iter().map(|b| b.bank.as_str()).collect();
        assert_eq!(banks, ["icbc", "bocom", "ccb", "abc", "boc"]);
        assert!(offered[2].banks.iter().all(|b| b.available));
        assert_eq!(
            check_choice(&offered, Channel::UnionPay, None),
            Err(ChannelRefusal::ChannelNotOffered)
        );
        assert_eq!(
            check_choice(&offered, Channel::Alipay, Some(Bank::Icbc)),
            Err(ChannelRefusal::BankNotExpected)
        );
        assert_eq!(
            check_choice(&offered, Channel::OnlineBanking, Some(Bank::Bocom)),
            Ok(())
        );
    }

    #[test]
    fn a_small_order_refuses_personal_banking() {
        let offered = channels(Platform::Provincial, yuan("2300.00"), |_| true);
        assert_eq!(
            check_choice(&offered, Channel::PersonalBanking, Some(Bank::Icbc)),
            Err(ChannelRefusal::ChannelNotOffered)
        );
        assert_eq!(check_choice(&offered, Channel::WechatPay, None), Ok(()));
    }

    #[test]
    fn only_personal_banking_settles_on_the_next_working_day() {
        let friday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let next = |_| monday;
        assert_eq!(
            settlement_date(Channel::PersonalBanking, friday, next),
            monday
        );
        for channel in [
            Channel::WechatPay,
            Channel::Alipay,
            Channel::CorporateBanking,
            Channel::UnionPay,
            Channel::OnlineBanking,
        ] {
            assert_eq!(
                settlement_date(channel, friday, next),
                friday,
                "{channel:?}"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
        for bank in Bank::ALL {
            assert_eq!(Bank::parse(bank.as_str()), Some(bank));
        }
        for status in FeeOrderStatus::ALL {
            assert_eq!(FeeOrderStatus::parse(status.as_str()), Some(status));
        }
        for platform in [Platform::Provincial, Platform::Qingdao] {
            assert_eq!(Platform::parse(platform.as_str()), Some(platform));
        }
        assert_eq!(Channel::parse("WeChat"), None);
        assert_eq!(Bank::parse("ICBC"), None);
    }

    #[test]
    fn payment_moves_an_order_once() {
        use FeeOrderStatus::*;
        for (from, to) in [
            (AwaitingPayment, Some(PaidAwaitingSettlement)),
            (PaymentInProgress, Some(PaidAwaitingSettlement)),
            (Expired, Some(PaidAfterExpiry)),
            (Cancelled, Some(PaidAfterExpiry)),
            (PaidAwaitingSettlement, None),
            (Settled, None),
            (PaidAfterExpiry, None),
            (PartiallyRefunded, None),
            (Refunded, None),
        ] {
            assert_eq!(from.on_paid(), to, "{from:?}");
            assert_eq!(from.accepts_payment(), to == Some(PaidAwaitingSettlement));
        }
    }

    #[test]
    fn refunds_move_the_order_to_partially_or_fully_refunded() {
        use FeeOrderStatus::*;
        let paid = yuan("50.00");
        assert_eq!(Settled.after_refund(yuan("30.00"), paid), PartiallyRefunded);
        assert_eq!(
            PartiallyRefunded.after_refund(yuan("50.00"), paid),
            Refunded
        );
        assert_eq!(
            PaidAwaitingSettlement.after_refund(Money::ZERO, paid),
            PaidAwaitingSettlement
        );
    }
}
