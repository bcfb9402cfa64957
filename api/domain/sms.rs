//! The text of every SMS the platform sends: one template per event, in Chinese, worded
//! as the courts' own notices are where they have one.

/// An event the account holder is told about by SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsTemplate {
    /// A party registration was verified by the citizen registry.
    RegistrationVerified,
    /// A party registration was not verified (the reason is never told: it may be a
    /// classified status).
    RegistrationFailed,
    /// A lawyer registration matched the lawyer registry.
    LawyerRegistrationVerified { licence_number: String },
    /// A lawyer registration differs from the registry in these fields (Chinese labels).
    LawyerRegistrationMismatch { fields: Vec<&'static str> },
    /// The lawyer is not (yet) in the registry.
    LawyerNotInRegistry,
    /// A lawyer's account was brought over from the provincial bar's records, with the
    /// default password.
    LegacyLawyerImported { licence_number: String },
    /// The mini program created an account with the default password.
    MiniProgramAccountCreated,
    /// The mini program found an existing account and bound it.
    MiniProgramAlreadyRegistered { masked_id_number: String },
    /// The justice department's records made the account a legal worker's.
    LegalWorkerConverted { licence_number: String },
    /// A code to reset the password.
    PasswordResetCode { code: String },
    /// A code confirming a new phone number.
    PhoneChangeCode { code: String },
    /// Staff reset the password.
    PasswordResetByStaff,
    /// A request to reset the password with documents was received (sent to the phone the
    /// requester gave, whether or not the login matches an account).
    PasswordResetRequestReceived,
    /// Staff approved such a request: how to log in with the temporary password. The
    /// licence number of a lawyer or legal worker is their login name; others log in with
    /// the ID number, which is never written into a message.
    PasswordResetRequestApproved {
        licence_number: Option<String>,
        temporary_password: String,
    },
    /// Staff refused such a request, for this reason.
    PasswordResetRequestRefused { reason: String },
    /// The court's review approved a filing; case number and fee follow.
    FilingApproved { filing_reference: String },
    /// The court's review rejected a filing, for this reason.
    FilingRejected {
        filing_reference: String,
        reason: String,
    },
    /// The case was registered and a fee is to be paid by the given day.
    PaymentDue {
        case_number: String,
        amount: String,
        expires_on: String,
    },
    /// The case was registered and accepted; there is no fee to pay.
    FilingAccepted { case_number: String },
    /// A payment notice expires soon and the fee is still unpaid.
    PaymentReminder {
        case_number: String,
        amount: String,
        expires_on: String,
    },
    /// Money came after the payment notice ran out: it is kept for the court to refund.
    PaymentAfterExpiry { case_number: String, amount: String },
    /// The payment platform reported the fee paid.
    PaymentReceived {
        case_number: String,
        amount: String,
        order_number: String,
    },
    /// A refund of the fee went to the refundee.
    RefundMade {
        case_number: String,
        amount: String,
        refundee_name: String,
    },
}

/// How long one-time codes live, as told in their messages.
pub const CODE_MINUTES: u32 = 10;

impl SmsTemplate {
    /// The template's name, stored with the message.
    pub fn name(&self) -> &'static str {
        match self {
            SmsTemplate::RegistrationVerified => "registration_verified",
            SmsTemplate::RegistrationFailed => "registration_failed",
            SmsTemplate::LawyerRegistrationVerified { .. } => "lawyer_registration_verified",
            SmsTemplate::LawyerRegistrationMismatch { .. } => "lawyer_registration_mismatch",
            SmsTemplate::LawyerNotInRegistry => "lawyer_not_in_registry",
            SmsTemplate::LegacyLawyerImported { .. } => "legacy_lawyer_imported",
            SmsTemplate::MiniProgramAccountCreated => "mini_program_account_created",
            SmsTemplate::MiniProgramAlreadyRegistered { .. } => "mini_program_already_registered",
            SmsTemplate::LegalWorkerConverted { .. } => "legal_worker_converted",
            SmsTemplate::PasswordResetCode { .. } => "password_reset_code",
            SmsTemplate::PhoneChangeCode { .. } => "phone_change_code",
            SmsTemplate::PasswordResetByStaff => "password_reset_by_staff",
            SmsTemplate::PasswordResetRequestReceived => "password_reset_request_received",
            SmsTemplate::PasswordResetRequestApproved { .. } => "password_reset_request_approved",
            SmsTemplate::PasswordResetRequestRefused { .. } => "password_reset_request_refused",
            SmsTemplate::FilingApproved { .. } => "filing_approved",
            SmsTemplate::FilingRejected { .. } => "filing_rejected",
            SmsTemplate::PaymentDue { .. } => "payment_due",
            SmsTemplate::FilingAccepted { .. } => "filing_accepted",
            SmsTemplate::PaymentReminder { .. } => "payment_reminder",
            SmsTemplate::PaymentAfterExpiry { .. } => "payment_after_expiry",
            SmsTemplate::PaymentReceived { .. } => "payment_received",
            SmsTemplate::RefundMade { .. } => "refund_made",
        }
    }

    /// The message text.
    pub fn body(&self) -> String {
        match self {
            SmsTemplate::RegistrationVerified => {
                "您的注册信息通过审核，请用身份证号作为用户名登录山东法院电子诉讼服务平台，祝您生活愉快！"
                    .to_owned()
            }
            SmsTemplate::RegistrationFailed => {
                "您的注册信息未通过审核，请核对姓名和身份证号后重新注册。".to_owned()
            }
            SmsTemplate::LawyerRegistrationVerified { licence_number } => format!(
                "您的律师注册信息通过审核，请用执业证号{licence_number}（或身份证号）作为用户名登录。"
            ),
            SmsTemplate::LawyerRegistrationMismatch { fields } => format!(
                "您的律师注册审核没有通过：{}与最高人民法院律师服务平台登记的信息不一致。请律所管理员核对后，从律师服务平台复制信息重新注册。",
                fields.join("、")
            ),
            SmsTemplate::LawyerNotInRegistry => {
                "您的律师注册审核没有通过：律师服务平台暂无您的信息。请律所管理员维护您的律师资料，12至24小时同步后再重新注册。"
                    .to_owned()
            }
            SmsTemplate::LegacyLawyerImported { licence_number } => format!(
                "您的律师账号已在山东法院电子诉讼服务平台开通：用户名为执业证号{licence_number}，初始密码为身份证号后8位。登录后请先修改密码，并在个人中心更新联系电话。"
            ),
            SmsTemplate::MiniProgramAccountCreated => {
                "您的注册信息通过审核，请用身份证作为用户名进行登录（密码是身份证后8位），祝您生活愉快！"
                    .to_owned()
            }
            SmsTemplate::MiniProgramAlreadyRegistered { masked_id_number } => format!(
                "您已注册过当事人信息，不要重复注册！祝您生活愉快！身份证号码为{masked_id_number}"
            ),
            SmsTemplate::LegalWorkerConverted { licence_number } => format!(
                "你好,您在电子诉讼服务平台注册的账号已经由当事人角色更改为法律工作者角色，账号由身份证号改成法律工作者执业证号{licence_number}，密码不变。"
            ),
            SmsTemplate::PasswordResetCode { code } => format!(
                "您正在重置山东法院电子诉讼服务平台的登录密码，验证码{code}，{CODE_MINUTES}分钟内有效。如非本人操作，请忽略本短信。"
            ),
            SmsTemplate::PhoneChangeCode { code } => format!(
                "您正在将此号码绑定到山东法院电子诉讼服务平台账号，验证码{code}，{CODE_MINUTES}分钟内有效。如非本人操作，请忽略本短信。"
            ),
            SmsTemplate::PasswordResetByStaff => {
                "工作人员已按您的申请重置了电子诉讼服务平台的登录密码，请登录后立即修改密码。".to_owned()
            }
            SmsTemplate::PasswordResetRequestReceived => {
                "您的密码重置申请已收到，工作人员核对材料后将以短信通知处理结果。如非本人操作，请忽略本短信。"
                    .to_owned()
            }
            SmsTemplate::PasswordResetRequestApproved {
                licence_number,
                temporary_password,
            } => {
                let login = match licence_number {
                    Some(licence) => format!("执业证号{licence}（或身份证号）"),
                    None => "身份证号".to_owned(),
                };
                format!(
                    "您的密码重置申请已通过审核。请用{login}作为用户名、临时密码{temporary_password}登录山东法院电子诉讼服务平台，首次登录后须立即修改密码。"
                )
            }
            SmsTemplate::FilingApproved { filing_reference } => format!(
                "您提交的立案申请（编号{filing_reference}）已通过审核。法院生成案号和诉讼费后将另行短信通知您交费，届时请登录山东法院电子诉讼服务平台交费。"
            ),
            SmsTemplate::FilingRejected {
                filing_reference,
                reason,
            } => format!(
                "您提交的立案申请（编号{filing_reference}）未通过审核，原因：{}。请登录山东法院电子诉讼服务平台修改后重新提交。",
                reason.trim_end_matches(['。', '.', '！', '!', '；', ';', ' '])
            ),
            SmsTemplate::PaymentDue {
                case_number,
                amount,
                expires_on,
            } => format!(
                "您的案件{case_number}已立案，应交诉讼费{amount}元，请于{expires_on}24时前登录山东法院电子诉讼服务平台网上交费，逾期交费通知失效。"
            ),
            SmsTemplate::FilingAccepted { case_number } => format!(
                "您的案件已立案受理，案号{case_number}，本案无需预交诉讼费。"
            ),
            SmsTemplate::PaymentReminder {
                case_number,
                amount,
                expires_on,
            } => format!(
                "提醒：您的案件{case_number}应交诉讼费{amount}元尚未交纳，交费通知将于{expires_on}届满，请及时登录山东法院电子诉讼服务平台网上交费，逾期交费通知失效。"
            ),
            SmsTemplate::PaymentAfterExpiry {
                case_number,
                amount,
            } => format!(
                "您为案件{case_number}交纳的诉讼费{amount}元在交费通知过期后到账，案件尚未受理。请联系法院重新开具交费通知，已交款项由法院审核后退还。"
            ),
            SmsTemplate::PaymentReceived {
                case_number,
                amount,
                order_number,
            } => format!(
                "您的案件{case_number}诉讼费{amount}元（订单号{order_number}）已交费成功，状态为“已交费（待入国库）”，属正常状态，无需重复交费。"
            ),
            SmsTemplate::RefundMade {
                case_number,
                amount,
                refundee_name,
            } => format!(
                "您的案件{case_number}诉讼费已退费{amount}元，退至退费人{refundee_name}的原支付账户，请注意查收。"
            ),
            SmsTemplate::PasswordResetRequestRefused { reason } => format!(
                "您的密码重置申请未通过审核，原因：{}。如有疑问，请联系法院。",
                reason.trim_end_matches(['。', '.', '！', '!', '；', ';', ' '])
            ),
        }
    }
}

/// The Chinese label of a lawyer registration field, for messages.
pub fn lawyer_field_label(field: &str) -> &'static str {
    match field {
        "name" => "律师姓名",
        "gender" => "性别",
        "ethnicity" => "民族",
        "id_number" => "身份证号",
        "licence_number" => "执业证号",
        "licence_date" => "执业证取得日期",
        "qualification_number" => "资格证号",
        "qualification_date" => "资格证取得日期",
        "practice_start_date" => "执业开始日期",
        "phone" => "手机号码",
        "law_firm" => "所属律所名称",
        _ => "其他信息",
    }
}

/// The ID number as the "already registered" message shows it: the first three digits,
/// the rest hidden, as the courts' own message does (370XXXXX).
pub fn mask_for_sms(id_number: &str) -> String {
    let head: String = id_number.chars().take(3).collect();
    format!("{head}XXXXX")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_appear_in_their_messages() {
        let body = SmsTemplate::PasswordResetCode {
            code: "042917".into(),
        }
        .body();
        assert!(body.contains("042917") && body.contains("10分钟"), "{body}");
    }

    #[test]
    fn an_approved_reset_request_tells_how_to_log_in() {
        let body = SmsTemplate::PasswordResetRequestApproved {
            licence_number: Some("13701201010000024".into()),
            temporary_password: "Ab3dEf7hJk".into(),
        }
        .body();
        assert!(
            body.contains("执业证号13701201010000024") && body.contains("临时密码Ab3dEf7hJk"),
            "{body}"
        );
        let body = SmsTemplate::PasswordResetRequestApproved {
            licence_number: None,
            temporary_password: "Ab3dEf7hJk".into(),
        }
        .body();
        assert!(body.contains("请用身份证号作为用户名"), "{body}");
        let body = SmsTemplate::PasswordResetRequestRefused {
            reason: "手持身份证照片不清晰。".into(),
        }
        .body();
        assert!(
            body.contains("原因：手持身份证照片不清晰。如有疑问"),
            "{body}"
        );
    }

    #[test]
    fn a_mismatch_names_the_fields() {
        let body = SmsTemplate::LawyerRegistrationMismatch {
            fields: vec![lawyer_field_label("law_firm"), lawyer_field_label("phone")],
        }
        .body();
        assert!(body.contains("所属律所名称、手机号码"), "{body}");
    }

    #[test]
    fn the_already_registered_message_masks_the_id_number() {
        let body = SmsTemplate::MiniProgramAlreadyRegistered {
            masked_id_number: mask_for_sms("370102199001011234"),
        }
        .body();
        assert!(body.ends_with("身份证号码为370XXXXX"), "{body}");
        assert!(!body.contains("199001011234"));
    }

    #[test]
    fn failure_messages_never_state_the_registry_reason() {
        let body = SmsTemplate::RegistrationFailed.body();
        for secret in ["注销", "涉密", "特殊", "变更"] {
            assert!(!body.contains(secret), "{body}");
        }
    }
}
