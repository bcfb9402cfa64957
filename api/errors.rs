//! The one table of machine-readable error codes.
//!
//! Every error the API can return carries one of these codes. A code is stable: clients
//! branch on it, so a code is never renamed or reused for another meaning. Each entry gives
//! the HTTP status it is answered with when it is the top-level error, and a message in
//! Chinese (the default) and English.
//!
//! Field-level codes (`id_number.checksum`, …) normally appear inside the `errors` list of a
//! `validation.failed` problem; their status applies when a handler raises one alone.

use std::fmt;

/// The language of human-readable messages, chosen from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header value: English when the first
    /// language the client names that we support is English, Chinese otherwise.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::Zh;
        };
        let mut ranked: Vec<(f32, usize, Lang)> = Vec::new();
        for (index, part) in header.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "zh" || tag.starts_with("zh-") {
                Lang::Zh
            } else {
                continue;
            };
            if quality > 0.0 {
                ranked.push((quality, index, lang));
            }
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2).unwrap_or_default()
    }

    /// The `Content-Language` value for this language.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $status:literal, $zh:literal, $en:literal; )*) => {
        /// A stable machine-readable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as clients see it, e.g. `id_number.checksum`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The HTTP status answered when this code is the top-level error.
            pub fn status(self) -> u16 {
                match self { $(Code::$variant => $status,)* }
            }

            /// A message for people, in the given language.
            pub fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Code::$variant, Lang::Zh) => $zh, (Code::$variant, Lang::En) => $en, )*
                }
            }
        }
    };
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where the field is, as a JSON-pointer-like dotted path (`parties.0.id_number`).
    pub field: String,
    pub code: Code,
    /// A specific message replacing the code's standard one (e.g. a parser's own words).
    pub message: Option<String>,
}

impl FieldError {
    /// A field error with the code's standard message.
    pub fn new(field: impl Into<String>, code: Code) -> FieldError {
        FieldError {
            field: field.into(),
            code,
            message: None,
        }
    }
}

/// An error answered to the client.
pub struct ApiError(Box<ErrorParts>);

/// What an [`ApiError`] carries; boxed, so that results stay small on the happy path.
pub struct ErrorParts {
    pub(crate) code: Code,
    pub(crate) errors: Vec<FieldError>,
    /// A specific explanation replacing the code's standard message, in both languages.
    pub(crate) detail: Option<(String, String)>,
    /// What went wrong inside; logged, never sent.
    pub(crate) cause: Option<anyhow::Error>,
    /// Seconds after which a retry may succeed, sent as `Retry-After`.
    pub(crate) retry_after: Option<u64>,
    /// Extra machine-readable members of the problem document (e.g. a successor code).
    pub(crate) extensions: Vec<(&'static str, serde_json::Value)>,
}

impl std::ops::Deref for ApiError {
    type Target = ErrorParts;

    fn deref(&self) -> &ErrorParts {
        &self.0
    }
}

impl ApiError {
    /// An error with a code and its standard message.
    pub fn new(code: Code) -> ApiError {
        ApiError(Box::new(ErrorParts {
            code,
            errors: Vec::new(),
            detail: None,
            cause: None,
            retry_after: None,
            extensions: Vec::new(),
        }))
    }

    /// A `validation.failed` error listing the invalid fields.
    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        let mut error = ApiError::new(Code::ValidationFailed);
        error.0.errors = errors;
        error
    }

    /// An error of `code` listing the fields at fault (e.g. `filing.incomplete`).
    pub fn with_fields(code: Code, errors: Vec<FieldError>) -> ApiError {
        let mut error = ApiError::new(code);
        error.0.errors = errors;
        error
    }

    /// A `validation.failed` error for a single field.
    pub fn field(field: impl Into<String>, code: Code) -> ApiError {
        ApiError::validation(vec![FieldError::new(field, code)])
    }

    /// Replaces the standard message with a specific one (Chinese, English).
    pub fn with_detail(mut self, zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        self.0.detail = Some((zh.into(), en.into()));
        self
    }

    /// Adds a machine-readable member to the problem document.
    pub fn with_extension(mut self, name: &'static str, value: serde_json::Value) -> ApiError {
        self.0.extensions.push((name, value));
        self
    }

    /// Tells the client when a retry may succeed.
    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.0.retry_after = Some(seconds);
        self
    }

    /// A 500 whose cause is logged but never shown.
    pub fn internal(cause: impl Into<anyhow::Error>) -> ApiError {
        let mut error = ApiError::new(Code::Internal);
        error.0.cause = Some(cause.into());
        error
    }

    /// This error with a cause that is logged but never shown.
    pub fn with_cause(mut self, cause: impl Into<anyhow::Error>) -> ApiError {
        self.0.cause = Some(cause.into());
        self
    }

    /// A 503 (the database is unreachable, say); the cause is logged.
    pub fn unavailable(cause: impl Into<anyhow::Error>) -> ApiError {
        let mut error = ApiError::new(Code::Unavailable);
        error.0.cause = Some(cause.into());
        error
    }

    pub fn code(&self) -> Code {
        self.0.code
    }

    pub fn field_errors(&self) -> &[FieldError] {
        &self.0.errors
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code.as_str())
            .field("errors", &self.errors)
            .field("cause", &self.cause.as_ref().map(|c| format!("{c:#}")))
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())
    }
}

impl From<Code> for ApiError {
    fn from(code: Code) -> ApiError {
        ApiError::new(code)
    }
}

impl From<diesel::result::Error> for ApiError {
    /// Most database errors are our fault (500). Two kinds are not: text the database cannot
    /// store (a NUL character from the client), and a connection that broke (the database
    /// is away: 503, like an empty pool).
    fn from(error: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind, Error};
        match &error {
            Error::DatabaseError(_, info) if info.message().contains("invalid byte sequence") => {
                ApiError::new(Code::TextInvalidCharacters)
            }
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => ApiError::unavailable(error),
            _ => ApiError::internal(error),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

error_codes! {
    // --- Protocol and framework errors -------------------------------------------------
    NotFound = "not_found", 404,
        "请求的资源不存在。", "The requested resource does not exist.";
    RouteNotFound = "route.not_found", 404,
        "没有这个接口地址，请核对请求路径。", "There is no such endpoint; check the request path.";
    MethodNotAllowed = "method.not_allowed", 405,
        "该接口不支持此请求方法。", "This endpoint does not support the request method.";
    BodyInvalidJson = "body.invalid_json", 400,
        "请求体不是有效的 JSON。", "The request body is not valid JSON.";
    BodyInvalid = "body.invalid", 400,
        "请求体的结构或字段类型不正确。", "The request body has the wrong structure or field types.";
    BodyContentType = "body.unsupported_media_type", 415,
        "请求体的内容类型不受支持，请使用 application/json。",
        "The request body's content type is not supported; use application/json.";
    PayloadTooLarge = "body.too_large", 413,
        "请求体超过了允许的大小。", "The request body exceeds the allowed size.";
    QueryInvalid = "query.invalid", 400,
        "查询参数不正确。", "The query parameters are invalid.";
    PathInvalid = "path.invalid", 400,
        "路径参数不正确。", "A path parameter is invalid.";
    ValidationFailed = "validation.failed", 422,
        "提交的内容有误，请按提示修改。", "Some fields are invalid; see the listed errors.";
    Internal = "internal", 500,
        "服务器内部错误，请稍后再试。如问题持续，请联系技术支持并提供请求编号。",
        "Internal server error. Please try again later; if it persists, contact support with the request id.";
    Unavailable = "service.unavailable", 503,
        "服务暂时不可用，请稍后再试。", "The service is temporarily unavailable; please try again later.";

    // --- Shared HTTP mechanisms --------------------------------------------------------
    IdempotencyKeyInvalid = "idempotency_key.invalid", 400,
        "Idempotency-Key 请求头应为 1 到 255 个可见 ASCII 字符。",
        "The Idempotency-Key header must be 1 to 255 visible ASCII characters.";
    IdempotencyKeyReused = "idempotency_key.reused", 409,
        "该 Idempotency-Key 已用于内容不同的请求。",
        "This Idempotency-Key was already used for a request with a different body.";
    IdempotencyKeyInProgress = "idempotency_key.in_progress", 409,
        "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。",
        "A request with this Idempotency-Key is still being processed; retry later.";
    PageInvalid = "page.invalid", 422,
        "页码应为不小于 1 的整数。", "The page must be an integer of at least 1.";
    PageSizeInvalid = "page_size.invalid", 422,
        "每页条数应为 1 到 100 之间的整数。", "The page size must be an integer from 1 to 100.";

    // --- Reference data ----------------------------------------------------------------
    CourtNotFound = "court.not_found", 404,
        "没有这个法院代字。", "There is no court with this code.";
    CourtLevelInvalid = "court.level_invalid", 422,
        "法院层级应为 high、intermediate、special 或 basic。",
        "The court level must be high, intermediate, special or basic.";
    CauseListInvalid = "cause.list_invalid", 422,
        "案由目录应为 2025 或 2020。", "The list of causes of action must be 2025 or 2020.";
    CauseNotFound = "cause.not_found", 404,
        "没有这个案由。", "There is no such cause of action.";
    CourtRetired = "court.retired", 404,
        "该法院代字已停用，请使用接替它的法院代字。",
        "This court code is retired; use its successor's code.";
    TextInvalidCharacters = "text.invalid_characters", 422,
        "内容含有不能保存的控制字符（如 NUL），请删除后重试。",
        "The text contains control characters that cannot be stored (such as NUL).";
    QueryTooLong = "query.too_long", 422,
        "搜索词过长（最多 50 个字）。", "The search text is too long (at most 50 characters).";

    // --- Authentication and sessions ---------------------------------------------------
    AuthMissing = "auth.missing", 401,
        "请先登录。", "Authentication is required.";
    AuthInvalidToken = "auth.invalid_token", 401,
        "登录凭证无效，请重新登录。", "The access token is invalid; log in again.";
    AuthTokenExpired = "auth.token_expired", 401,
        "登录已过期，请刷新或重新登录。", "The access token has expired; refresh it or log in again.";
    AuthSessionEnded = "auth.session_ended", 401,
        "该登录会话已结束，请重新登录。", "This session has ended; log in again.";
    AuthForbidden = "auth.forbidden", 403,
        "您的账号无权进行此操作。", "Your account may not do this.";
    AuthServiceClientRequired = "auth.service_client_required", 401,
        "该接口仅供对接系统使用，请使用对接系统的凭证。",
        "This endpoint is for integration clients; use the client's credentials.";
    AuthScopeMissing = "auth.scope_missing", 403,
        "对接系统没有此项权限。", "The integration client lacks the scope for this.";
    PasswordChangeRequired = "account.password_change_required", 403,
        "您正在使用初始密码，请先修改密码。", "You are using a default password; change it first.";
    SessionInvalidCredentials = "session.invalid_credentials", 401,
        "账号或密码错误。", "The login or password is wrong.";
    SessionLocked = "session.locked", 429,
        "登录失败次数过多，请稍后再试。", "Too many failed logins; try again later.";
    SessionRegistrationPending = "session.registration_pending", 403,
        "您的注册信息正在审核，审核通过后会短信通知您。",
        "Your registration is still being verified; you will be told by SMS.";
    SessionRegistrationFailed = "session.registration_failed", 403,
        "您的注册未通过审核，请核对姓名和身份证号后重新注册。",
        "Your registration was not verified; check your name and ID number and register again.";
    SessionAccountDisabled = "session.account_disabled", 403,
        "该账号已停用，请联系法院。", "This account is disabled; contact the court.";
    RefreshInvalid = "session.refresh_invalid", 401,
        "刷新凭证无效或已过期，请重新登录。", "The refresh token is invalid or expired; log in again.";
    RefreshReused = "session.refresh_reused", 401,
        "刷新凭证已被使用过，为安全起见该登录已被注销，请重新登录。",
        "The refresh token was already used; the session was ended for safety. Log in again.";
    RateLimited = "rate_limited", 429,
        "操作过于频繁，请稍后再试。", "Too many requests; try again later.";

    // --- Accounts and registrations ---------------------------------------------------
    RegistrationIdNumberTaken = "registration.id_number_taken", 409,
        "该身份证号已注册，请直接登录；忘记密码可通过短信重置。",
        "This ID number is already registered; log in, or reset the password by SMS.";
    RegistrationPending = "registration.pending", 409,
        "该身份证号的注册正在审核中，请等待短信通知。",
        "A registration with this ID number is being verified; wait for the SMS.";
    RegistrationLicenceTaken = "registration.licence_number_taken", 409,
        "该执业证号已注册，请直接登录。", "This licence number is already registered; log in.";
    RegistrationUpgradePasswordMismatch = "registration.upgrade_password_mismatch", 409,
        "该身份证号已有当事人账号，请输入该账号的密码以升级为律师账号。",
        "This ID number has a party account; enter its password to upgrade it to a lawyer account.";
    RegistrationNotFound = "registration.not_found", 404,
        "没有这个注册申请。", "There is no such registration.";
    PhoneTaken = "phone.taken", 409,
        "手机号码已存在，已被其他账号绑定。", "The phone number already exists on another account.";
    NameUnnamed = "name.unnamed", 422,
        "无名氏不能注册账号，请填写真实姓名。", "An unnamed person cannot register; enter the real name.";
    AccountNotFound = "account.not_found", 404,
        "没有这个账号。", "There is no such account.";
    LoginTaken = "account.login_taken", 409,
        "该登录名已被使用。", "This login name is taken.";
    LoginInvalid = "login.invalid", 422,
        "登录名应为 3 到 64 个字母、数字、点、横线或下划线。",
        "A login name is 3 to 64 letters, digits, dots, hyphens or underscores.";
    FieldRequired = "field.required", 422,
        "此项必填。", "This field is required.";
    TextTooLong = "text.too_long", 422,
        "内容过长。", "The text is too long.";
    DateInvalid = "date.invalid", 422,
        "日期格式应为 YYYY-MM-DD。", "A date must be written YYYY-MM-DD.";
    DateInFuture = "date.in_future", 422,
        "日期不能晚于今天。", "The date cannot be later than today.";
    EmailInvalid = "email.invalid", 422,
        "电子邮箱格式不正确。", "The e-mail address is not valid.";
    RoleInvalid = "role.invalid", 422,
        "角色应为 judge 或 admin。", "The role must be judge or admin.";
    ReasonRequired = "reason.required", 422,
        "请填写原因。", "A reason is required.";

    // --- Passwords and one-time codes --------------------------------------------------
    PasswordRequired = "password.required", 422,
        "请输入密码。", "A password is required.";
    PasswordTooShort = "password.too_short", 422,
        "密码至少 8 位。", "The password must have at least 8 characters.";
    PasswordTooLong = "password.too_long", 422,
        "密码最多 128 位。", "The password may have at most 128 characters.";
    PasswordTooSimple = "password.too_simple", 422,
        "密码需包含字母、数字、符号中的至少两种。",
        "The password must mix at least two of letters, digits and symbols.";
    PasswordInvalidCharacters = "password.invalid_characters", 422,
        "密码不能包含控制字符。", "The password may not contain control characters.";
    PasswordIsDefault = "password.is_default", 422,
        "不能使用身份证号后 8 位作为密码。",
        "The last eight characters of the ID number cannot be the password.";
    PasswordUnchanged = "password.unchanged", 422,
        "新密码不能与当前密码相同。", "The new password must differ from the current one.";
    PasswordCurrentWrong = "password.current_wrong", 422,
        "当前密码不正确。", "The current password is wrong.";
    CodeInvalid = "code.invalid", 422,
        "验证码错误或已失效，请重新获取。", "The code is wrong or no longer valid; request a new one.";
    PhoneCodeRequired = "phone.code_required", 422,
        "更换手机号需要填写发送到新手机号的验证码。",
        "Changing the phone needs the code sent to the new phone.";

    // --- Materials ------------------------------------------------------------------------
    FileMissing = "file.missing", 422,
        "请选择要上传的文件（表单字段 file）。", "Choose a file to upload (form field `file`).";
    FileEmpty = "file.empty", 422,
        "上传的文件是空的。", "The uploaded file is empty.";
    FileTooLarge = "file.too_large", 413,
        "文件超过了允许的大小。", "The file exceeds the allowed size.";
    FileTypeNotAllowed = "file.type_not_allowed", 422,
        "只能上传 PDF 文件或 JPG、PNG 图片。", "Only PDF files and JPEG or PNG images can be uploaded.";
    FileExecutableOrArchive = "file.executable_or_archive", 422,
        "出于安全原因，不能上传程序或压缩包，只能上传 PDF 文件或 JPG、PNG 图片。",
        "For safety, programs and archives cannot be uploaded; only PDF files and JPEG or PNG images.";
    FilePdfEncrypted = "file.pdf_encrypted", 422,
        "PDF 文件已加密或设置了打开密码，请去除密码后再上传。",
        "The PDF is encrypted or password-protected; remove the protection and upload it again.";
    FilePdfUnreadable = "file.pdf_unreadable", 422,
        "PDF 文件已损坏或无法读取。", "The PDF is damaged or cannot be read.";
    UploadMalformed = "upload.malformed", 400,
        "上传的内容不是有效的 multipart/form-data。", "The upload is not valid multipart/form-data.";
    MaterialCategoryInvalid = "material.category_invalid", 422,
        "材料类别应为 complaint_or_application、evidence、identity_document、authorisation、service_address_confirmation 或 other。",
        "The category must be complaint_or_application, evidence, identity_document, authorisation, service_address_confirmation or other.";
    MaterialNotFound = "material.not_found", 404,
        "没有这份材料。", "There is no such material.";
    MaterialAttached = "material.attached", 409,
        "材料已随案件提交，不能删除。", "The material was submitted with a case and cannot be deleted.";
    RangeNotSatisfiable = "range.not_satisfiable", 416,
        "请求的字节范围超出了文件大小。", "The requested byte range lies outside the file.";

    // --- Domain primitives -------------------------------------------------------------
    // (kept together; each primitive's codes share its prefix)
    IdNumberRequired = "id_number.required", 422,
        "请填写身份证号码。", "Enter the ID number.";
    IdNumberFormat = "id_number.format", 422,
        "身份证号码应为 18 位：前 17 位是数字，最后一位是数字或字母 X。",
        "The ID number must be 18 characters: 17 digits followed by a digit or the letter X.";
    IdNumberLegacy15Digit = "id_number.legacy_15_digit", 422,
        "这是已停止使用的 15 位身份证号码，请填写现行居民身份证上的 18 位号码。",
        "This is a retired 15-digit ID number; enter the 18-character number on the current resident ID card.";
    IdNumberNonMainland = "id_number.non_mainland", 422,
        "此处只能使用中国大陆居民身份证。港澳台居民居住证、外国人永久居留身份证的号码不能在此填写。",
        "Only mainland Chinese resident ID cards can be used here; numbers of residence permits for Hong Kong, Macao and Taiwan residents and of foreigners' permanent residence ID cards cannot.";
    IdNumberRegion = "id_number.region", 422,
        "身份证号码的前两位不是有效的省级行政区划代码，请核对。",
        "The first two digits of the ID number are not a valid province code; check the number.";
    IdNumberBirthDate = "id_number.birth_date", 422,
        "身份证号码中的出生日期（第 7 至 14 位）无效，请核对。",
        "The birth date in the ID number (digits 7 to 14) is not valid; check the number.";
    IdNumberChecksum = "id_number.checksum", 422,
        "身份证号码校验位不符，请核对是否有输错的数字。",
        "The ID number's check character does not match; check for a mistyped digit.";

    CreditCodeRequired = "credit_code.required", 422,
        "请填写统一社会信用代码。", "Enter the unified social credit code.";
    CreditCodeFormat = "credit_code.format", 422,
        "统一社会信用代码应为 18 位数字或大写英文字母。",
        "The unified social credit code must be 18 digits or capital letters.";
    CreditCodeAlphabet = "credit_code.alphabet", 422,
        "统一社会信用代码不使用字母 I、O、Z、S、V，请核对是否把数字 1、0、2、5 或字母 U 输错。",
        "Unified social credit codes never contain the letters I, O, Z, S or V; check whether a 1, 0, 2, 5 or U was mistyped.";
    CreditCodeChecksum = "credit_code.checksum", 422,
        "统一社会信用代码校验位不符，请核对是否有输错的字符。",
        "The unified social credit code's check character does not match; check for a mistyped character.";

    PhoneRequired = "phone.required", 422,
        "请填写手机号码。", "Enter the mobile phone number.";
    PhoneFormat = "phone.format", 422,
        "手机号码应为 11 位数字。", "The mobile phone number must be 11 digits.";
    PhoneNotMobile = "phone.not_mobile", 422,
        "这不是能接收短信的中国大陆手机号码（可能是座机、境外号码或未启用的号段），请填写手机号码。",
        "This is not a mainland Chinese mobile number that can receive text messages (it may be a landline, a foreign number or an unassigned range); enter a mobile number.";

    LicenceNumberRequired = "licence_number.required", 422,
        "请填写执业证号。", "Enter the practice licence number.";
    LicenceNumberFormat = "licence_number.format", 422,
        "执业证号应为 8 至 20 位数字。", "The practice licence number must be 8 to 20 digits.";
    LicenceNumberNotString = "licence_number.not_string", 422,
        "执业证号应以字符串（加引号）提交，不能以数值提交，否则较长的号码会丢失精度。",
        "The practice licence number must be sent as a string (in quotes), not as a number, which loses precision for long numbers.";

    NameRequired = "name.required", 422,
        "请填写姓名。", "Enter the name.";
    NameTooLong = "name.too_long", 422,
        "姓名最多 50 个字。", "The name can be at most 50 characters.";
    NameInvalidCharacters = "name.invalid_characters", 422,
        "姓名只能由汉字（少数民族姓名可用间隔号“·”）或外文字母（按护照书写，以空格分隔，不用“·”）组成，不能含有数字、表情符号或其他符号。",
        "A name can contain only Chinese characters (with the separator dot \"·\" in minority names) or Latin letters as in the passport (separated by spaces, not \"·\"), not digits, emoji or other symbols.";
    NameMixedScripts = "name.mixed_scripts", 422,
        "姓名不能混用汉字和外文字母。", "A name cannot mix Chinese characters and Latin letters.";
    NameSeparatorPosition = "name.separator_position", 422,
        "姓名中的间隔号、连字符、撇号或点只能用在两个字之间，不能在开头、结尾或连续使用。",
        "Separator dots, hyphens, apostrophes and periods in a name must sit between letters, not at the start or end or next to each other.";
    OrganisationNameRequired = "organisation_name.required", 422,
        "请填写单位名称。", "Enter the organisation's name.";
    OrganisationNameTooShort = "organisation_name.too_short", 422,
        "单位名称至少 2 个字。", "The organisation's name must be at least 2 characters.";
    OrganisationNameTooLong = "organisation_name.too_long", 422,
        "单位名称最多 100 个字。", "The organisation's name can be at most 100 characters.";
    OrganisationNameInvalidCharacters = "organisation_name.invalid_characters", 422,
        "单位名称只能含有汉字、英文字母、数字、括号、空格及“·、&-.,'”等符号。",
        "An organisation's name can contain only Chinese characters, Latin letters, digits, parentheses, spaces and the marks · 、 & - . , '.";
    OrganisationNameParentheses = "organisation_name.parentheses", 422,
        "单位名称中的括号不成对。", "The parentheses in the organisation's name do not match.";

    CaseNumberRequired = "case_number.required", 422,
        "请填写案号。", "Enter the case number.";
    CaseNumberFormat = "case_number.format", 422,
        "案号格式不正确，应形如“（2020）鲁0102执19号”。",
        "The case number is not in the expected form, e.g. \"（2020）鲁0102执19号\".";
    CaseNumberYear = "case_number.year", 422,
        "案号中的年份无效，应在 1950 年至今年之间。",
        "The year in the case number must be between 1950 and the current year.";
    CaseNumberUnknownCourt = "case_number.unknown_court", 422,
        "案号中的法院代字不存在，请核对。", "The court code in the case number does not exist; check the number.";
    CaseNumberUnknownType = "case_number.unknown_type", 422,
        "案号中的类型代字不存在，请核对。", "The case type code in the case number does not exist; check the number.";
    CaseNumberSequence = "case_number.sequence", 422,
        "案号中的序号应为 1 至 999999 之间的整数。",
        "The sequence number in the case number must be an integer from 1 to 999999.";

    MoneyRequired = "money.required", 422,
        "请填写金额。", "Enter the amount.";
    MoneyFormat = "money.format", 422,
        "金额格式不正确，应为以元为单位的数字，如 2300 或 2300.50，不要使用千位分隔符、正负号或货币符号。",
        "The amount must be a number of yuan such as 2300 or 2300.50, without thousands separators, signs or currency symbols.";
    MoneyTooManyDecimals = "money.too_many_decimals", 422,
        "金额最多两位小数（精确到分）。", "The amount can have at most two decimal places (fen).";
    MoneyTooLarge = "money.too_large", 422,
        "金额超出上限（1000 亿元）。", "The amount exceeds the maximum (100,000,000,000 yuan).";
    MoneyNegative = "money.negative", 422,
        "金额不能为负数。", "The amount cannot be negative.";

    // --- Mini program and legal-worker sync ---
    MiniProgramIdentityMismatch = "mini_program.identity_mismatch", 409,
        "该身份证号的账号姓名与认证姓名不一致，不能绑定。",
        "The account with this ID number has another name; it cannot be bound.";
    OpenidInvalid = "openid.invalid", 422,
        "openid 应为 1 到 128 个字母、数字、横线或下划线。",
        "An openid is 1 to 128 letters, digits, hyphens or underscores.";
    MiniProgramOpenidBoundElsewhere = "mini_program.openid_bound_elsewhere", 409,
        "该微信用户已绑定另一个身份证号的账号。",
        "This mini-program user is already bound to the account of another ID number.";
    MiniProgramAccountPending = "mini_program.account_pending", 409,
        "该身份证号的注册正在审核中，审核通过后才能绑定，请等待短信通知。",
        "The account of this ID number is still being verified; it can be bound once verified.";
    MiniProgramAccountVerificationFailed = "mini_program.account_verification_failed", 409,
        "该身份证号的注册未通过审核，请核对姓名和身份证号后在电子诉讼服务平台重新注册。",
        "The registration of this ID number was not verified; check the name and ID number and register again on the platform.";
    MiniProgramAccountDisabled = "mini_program.account_disabled", 409,
        "该身份证号的账号已停用，请联系法院。",
        "The account of this ID number is disabled; contact the court.";
    MiniProgramNotBound = "mini_program.not_bound", 404,
        "该微信用户尚未绑定账号，请先注册。",
        "This mini-program user is not bound to an account; register first.";

    // --- Assisted password resets ---
    PasswordResetRequestNotFound = "password_reset_request.not_found", 404,
        "没有这个密码重置申请。", "There is no such password reset request.";
    PasswordResetRequestDocumentNotFound = "password_reset_request.document_not_found", 404,
        "该申请没有这种材料（应为 licence、id_card 或 holding_id_photo）。",
        "The request has no document of this kind (licence, id_card or holding_id_photo).";
    PasswordResetRequestAlreadyDecided = "password_reset_request.already_decided", 409,
        "该申请已经处理过，不能再次处理。", "The request was already decided.";
    PasswordResetRequestNoAccount = "password_reset_request.no_account", 409,
        "申请中的用户名不对应任何账号，不能通过，请驳回并说明原因。",
        "The login in the request matches no account, so it cannot be approved; refuse it with a reason.";
    PasswordResetRequestAccountInactive = "password_reset_request.account_inactive", 409,
        "该账号尚未通过审核或已停用，不能重置密码。",
        "The account is not verified or is disabled, so its password cannot be reset.";
    PasswordResetRequestDecisionInvalid = "password_reset_request.decision_invalid", 422,
        "处理结果应为 approve（通过）或 refuse（驳回）。",
        "The decision must be approve or refuse.";
    PasswordResetRequestStatusInvalid = "password_reset_request.status_invalid", 422,
        "申请状态应为 pending、approved 或 refused。",
        "The status must be pending, approved or refused.";

    // --- Filings ---
    FilingNotFound = "filing.not_found", 404,
        "没有这个案件。", "There is no such case.";
    FilingKindInvalid = "filing.kind_invalid", 422,
        "案件类型不存在，可选类型见 /api/v1/case-kinds。",
        "There is no such kind of case; see /api/v1/case-kinds for the kinds.";
    FilingOfflineOnly = "filing.offline_only", 422,
        "该类案件暂不能网上立案，请到法院诉讼服务中心现场立案。",
        "Cases of this kind cannot be filed online yet; file at the court's litigation service centre.";
    FilingNotEditable = "filing.not_editable", 409,
        "案件已提交，不能再修改；只有草稿和审核不通过的案件可以修改。",
        "The case has been submitted and can no longer be changed; only drafts and rejected filings can be edited.";
    FilingNotDeletable = "filing.not_deletable", 409,
        "只有草稿可以删除，已提交的案件不能删除。",
        "Only drafts can be deleted; a submitted case cannot.";
    FilingAlreadySubmitted = "filing.already_submitted", 409,
        "案件已经提交过，不能重复提交。", "The case has already been submitted.";
    FilingNotAwaitingReview = "filing.not_awaiting_review", 409,
        "案件不在待审核状态，不能审核。", "The case is not waiting for review.";
    FilingNotApproved = "filing.not_approved", 409,
        "案件尚未审核通过，不能生成案号和诉讼费。",
        "The case has not been approved, so no case number or fee can be assigned.";
    FilingNotAwaitingPayment = "filing.not_awaiting_payment", 409,
        "案件不在待交费状态。", "The case is not waiting for payment.";
    FilingNotPaid = "filing.not_paid", 409,
        "案件尚未交费，不能确认入库。", "The fee of the case has not been paid.";
    FilingIncomplete = "filing.incomplete", 422,
        "案件信息不完整或有误，请按 errors 中列出的每一项修改后再提交。",
        "The case is incomplete or has errors; correct every item listed in errors and submit again.";
    FilingCourtTier = "filing.court_tier", 422,
        "该法院不受理这类案件，请选择其他级别的法院。",
        "This court does not accept cases of this kind; choose a court of another level.";
    FilingCourtNotDerivable = "filing.court_not_derivable", 422,
        "无法根据该案号确定本省的受理法院（上级法院不在本省），请到法院现场办理。",
        "The accepting court cannot be determined in this province from this case number; file at the court.";
    FilingCourtDerived = "filing.court_derived", 422,
        "这类案件的受理法院由原案号确定，不能另行选择。",
        "For this kind the accepting court follows from the original case number and cannot be chosen.";
    FilingPartyRequired = "filing.party_required", 422,
        "缺少该诉讼地位的当事人（见字段名），请添加。",
        "A party in this role (see the field) is required; add one.";
    FilingMaterialRequired = "filing.material_required", 422,
        "缺少该类材料（见字段名），请上传并添加到案件。",
        "A material of this category (see the field) is required; upload it and attach it.";
    FilingAuthorisationRequired = "filing.authorisation_required", 422,
        "立案人不是本案原告（申请人）一方的当事人，请上传授权委托书或工作证明等授权材料。",
        "The filer is not a party on the filer's side, so a power of attorney or other authorisation must be attached.";
    FieldUnknown = "field.unknown", 422,
        "不认识这个字段，请检查拼写。", "This field is not known; check its spelling.";
    FieldNotApplicable = "field.not_applicable", 422,
        "这类案件没有这个字段。", "Cases of this kind have no such field.";
    FieldReadOnly = "field.read_only", 422,
        "这个字段不能修改。", "This field cannot be changed.";
    FieldType = "field.type", 422,
        "字段的类型不对（例如应为文字、数字、真假值或对象）。",
        "The field has the wrong type (text, number, true/false or object expected).";
    ChoiceInvalid = "choice.invalid", 422,
        "所选的值不在可选范围内。", "The value is not one of the allowed choices.";
    CauseUnknown = "cause.unknown", 422,
        "案由不存在，请从案由列表中选择。", "There is no such cause of action; choose one from the list.";
    CauseNotSpecific = "cause.not_specific", 422,
        "请选择具体的案由，而不是案由的大类。", "Choose a specific cause of action, not a part or section of the list.";
    CauseNotRoadTraffic = "cause.not_road_traffic", 422,
        "道交案件的案由应为机动车交通事故责任纠纷。",
        "The cause of a road-traffic case must be 机动车交通事故责任纠纷 (motor vehicle traffic accident liability).";
    ChargeUnknown = "charge.unknown", 422,
        "罪名不在刑事自诉罪名列表中。", "The charge is not in the list of privately prosecutable charges.";
    SpecialProcedureUnknown = "special_procedure.unknown", 422,
        "特别程序类型不存在（应为案件类型代码 0310 至 0323）。",
        "There is no such special procedure (type codes 0310 to 0323).";
    PreservationGuaranteeRequired = "preservation.guarantee_required", 422,
        "诉前保全必须提供担保。", "A pre-litigation preservation requires a guarantee.";
    MoneyNotPositive = "money.not_positive", 422,
        "金额应大于零。", "The amount must be greater than zero.";
    CaseNumberTypeNotAccepted = "case_number.type_not_accepted", 422,
        "这类案件不能针对该类型的案号提出。", "A case of this kind cannot refer to a case of that type.";
    AppealOriginalNotAppealable = "appeal.original_not_appealable", 422,
        "只能对民初、民撤（民事）或行初、行赔初（行政）案件网上上诉。",
        "Only 民初 and 民撤 (civil) or 行初 and 行赔初 (administrative) cases can be appealed online.";
    AppealOfRetrialOffline = "appeal.of_retrial_offline", 422,
        "民再、行再案件的上诉暂时只能到法院现场办理。",
        "Appeals in 民再 and 行再 retrial cases can only be made at the court for now.";
    FilingRetrialCaseOffline = "filing.retrial_case_offline", 422,
        "针对民再、行再案件的立案暂时只能到法院现场办理。",
        "Filings in 民再 and 行再 retrial cases can only be made at the court for now.";
    RegistrationNumberFormat = "registration_number.format", 422,
        "登记号应为10至30位数字。",
        "A registration number is 10 to 30 digits.";
    RegisteredCaseCourtMismatch = "registered_case.court_mismatch", 422,
        "法院代码与案号中的法院不一致。",
        "The court code is not the court of the case number.";
    RegisteredCaseTypeMismatch = "registered_case.type_mismatch", 422,
        "类型代字与案号中的类型代字不一致。",
        "The type code is not the type code of the case number.";
    RegisteredCaseOpenWithClosingDate = "registered_case.open_with_closing_date", 422,
        "未结案件不应有结案日期。",
        "An open case has no closing date.";
    RegisteredCaseClosedBeforeRegistered = "registered_case.closed_before_registered", 422,
        "结案日期早于立案日期。",
        "The closing date is before the registration date.";
    RegisteredCaseYearMismatch = "registered_case.year_mismatch", 422,
        "立案日期的年份与案号年份不一致。",
        "The registration date is not in the year of the case number.";
    RegisteredCaseTooManyParties = "registered_case.too_many_parties", 422,
        "当事人过多。",
        "Too many parties.";
    RegisteredCaseRegistrationNumberChanged = "registered_case.registration_number_changed", 409,
        "该案号此前推送的登记号不同，登记号不能更改。",
        "This case number was pushed before with another registration number; a registration number does not change.";
    RegisteredCaseRegistrationNumberTaken = "registered_case.registration_number_taken", 409,
        "该登记号已属于另一案件。",
        "This registration number belongs to another case.";
    RegisteredCaseDuplicateInPush = "registered_case.duplicate_in_push", 422,
        "同一次推送中该案号重复，只处理了第一次出现的案件。",
        "This case number appears earlier in the same push; only the first was applied.";
    OriginalCaseFilerPartiesMixed = "original_case.filer_parties_mixed", 422,
        "提出申请的当事人不能分属原案对立双方。",
        "The parties who file cannot come from opposing sides of the case.";
    RegisteredCaseTooManyCases = "registered_case.too_many_cases", 413,
        "一次推送的案件过多。",
        "Too many cases in one push.";
    OriginalCaseNotFound = "original_case.not_found", 404,
        "未找到该案件：请核对案号和登记号。",
        "No such case: check the case number and the registration number.";
    OriginalCaseAppealPeriodPassed = "original_case.appeal_period_passed", 404,
        "只能查询到两年内结案的案件，该案件结案已超过两年，请到法院现场办理。",
        "Only cases closed within the last two years can be found for an appeal; this one closed earlier. Please go to the court.";
    OriginalCaseNotClosed = "original_case.not_closed", 404,
        "该案件尚未结案，不能上诉。",
        "The case has not been closed, so it cannot be appealed.";
    OriginalCaseTypeNotAccepted = "original_case.type_not_accepted", 404,
        "该类型的案件不能用于此类申请（上诉只针对民初、民撤、行初、行赔初案件）。",
        "A case of that type cannot be used for this kind of filing (appeals are only against 民初, 民撤, 行初 and 行赔初 cases).";
    OriginalCaseLookupNotOffered = "original_case.lookup_not_offered", 422,
        "此类申请不提供原案查询：原案查询用于上诉、管辖权异议、诉中保全和执行异议、执行复议；管辖权异议上诉请手工填写原审案件。",
        "No case lookup is offered for this kind: lookups serve appeals, jurisdiction objections, in-litigation preservation and enforcement objections and reconsiderations; a jurisdiction-objection appeal is entered by hand.";
    OriginalCaseLookupIncomplete = "original_case.lookup_incomplete", 400,
        "请提供案号和登记号，或当事人的姓名（名称）和证件号码。",
        "Give the case number and the registration number, or the name and identity number of a party.";
    OriginalCaseLookupNotAllowed = "original_case.lookup_not_allowed", 403,
        "只能以本人的证件号码，或本账号曾代为立案的当事人的证件号码查询；其他案件请使用案号和登记号查询。",
        "Cases are looked up by your own identity number, or that of a party this account filed for; use the case number and registration number otherwise.";
    AppealDraftExists = "appeal.draft_exists", 409,
        "您已有该案件未提交的上诉草稿，请继续编辑或删除该草稿。",
        "You already have an unfinished appeal draft for this case: resume or delete it.";
    AppealAlreadyAppealed = "appeal.already_appealed", 422,
        "该当事人已对本案提起上诉（草稿或已提交），不能再次作为上诉人。",
        "This party has already appealed the case (a saved draft or a submission) and cannot be an appellant again.";
    OriginalCaseFilerPartiesRequired = "original_case.filer_parties_required", 422,
        "请选择提出申请的当事人。",
        "Choose the parties who file.";
    PayerNotPlaintiff = "payer.not_plaintiff", 422,
        "交费人不是原告：交费人、退费人只能从原告（申请人、上诉人、自诉人）一方的当事人中选择。",
        "The payer is not a plaintiff: the payer and refundee must be parties on the filer's side (plaintiff, applicant, appellant, private prosecutor).";
    PartyNotFound = "party.not_found", 404,
        "案件中没有这个当事人。", "The case has no such party.";
    PartyDuplicate = "party.duplicate", 422,
        "案件中已有持该证件（或统一社会信用代码）的当事人，请勿重复添加。",
        "A party with this identity document (or credit code) is already in the case.";
    PartyRoleInvalid = "party.role_invalid", 422,
        "这类案件没有该诉讼地位。", "Cases of this kind have no party in this role.";
    PartyPhoneForbidden = "party.phone_forbidden", 422,
        "保全案件不能填写被申请人的电话号码，以免泄露保全信息。",
        "A preservation filing must not record a phone number of the respondent, so that the respondent is not alerted.";
    AgentNotFound = "agent.not_found", 404,
        "案件中没有这个代理人。", "The case has no such agent.";
    AgentPartyInvalid = "agent.party_invalid", 422,
        "被代理人应为本案当事人。", "Represented parties must be parties of this case.";
    AgentBothSides = "agent.both_sides", 422,
        "同一代理人不能同时代理双方当事人。", "An agent cannot represent parties on both sides.";
    PreconditionRequired = "precondition.required", 428,
        "修改草稿需要带上 If-Match 请求头（取自上次读取时的 ETag），以免覆盖别人的修改。",
        "Send If-Match with the ETag of your last read, so that nobody's changes are overwritten.";
    PreconditionFailed = "precondition.failed", 412,
        "案件在您读取后已被修改，请重新读取后再修改。",
        "The case changed since you read it; read it again and redo your change.";
    // --- Parties of a filing ---
    PartyTypeRequired = "party.type_required", 422,
        "请选择当事人类型：自然人、法人或非法人组织。",
        "Choose the type of party: natural person, legal person or unincorporated organisation.";
    PartyTypeInvalid = "party.type_invalid", 422,
        "当事人类型应为 natural_person（自然人）、legal_person（法人）或 unincorporated_organisation（非法人组织）。",
        "The type of party must be natural_person, legal_person or unincorporated_organisation.";
    PartyFieldNotApplicable = "party.field_not_applicable", 422,
        "此项不适用于该类型的当事人，请删除：证件、性别、民族、国籍和出生日期只用于自然人，统一社会信用代码和法定代表人（负责人）只用于法人和非法人组织。",
        "This field does not apply to this type of party; remove it. Identity documents, gender, ethnicity, nationality and birth date are for natural persons; the credit code and the representative are for organisations.";
    PartyGenderInvalid = "party.gender_invalid", 422,
        "性别应为 male（男）或 female（女）。", "The gender must be male or female.";
    PartyGenderMismatch = "party.gender_mismatch", 422,
        "性别与证件号码中的性别不一致，请核对性别或证件号码。",
        "The gender differs from the one encoded in the document number; check the gender or the number.";
    PartyBirthDateTooEarly = "party.birth_date_too_early", 422,
        "出生日期不能早于 1900 年 1 月 1 日，请核对。",
        "The birth date cannot be before 1 January 1900; check it.";
    PartyBirthDateMismatch = "party.birth_date_mismatch", 422,
        "出生日期与证件号码中的出生日期（第 7 至 14 位）不一致，请核对出生日期或证件号码。",
        "The birth date differs from the one in the document number (digits 7 to 14); check the date or the number.";
    PartyEthnicityInvalid = "party.ethnicity_invalid", 422,
        "民族应为 56 个民族之一，如“汉族”“回族”“维吾尔族”；外国人可不填。",
        "The ethnicity must be one of China's 56 ethnic groups by its Chinese name, such as 汉族; foreigners leave it out.";
    PartyNationalityTooLong = "party.nationality_too_long", 422,
        "国籍最多 50 个字。", "The nationality can be at most 50 characters.";
    PartyAddressTooLong = "party.address_too_long", 422,
        "地址最多 200 个字。", "The address can be at most 200 characters.";
    PartyPhoneFormat = "party.phone_format", 422,
        "联系电话应为中国大陆手机号码，或带区号的固定电话（如 0531-88888888，分机号可写在后面，如 0531-88888888-123）。",
        "The phone must be a mainland Chinese mobile number or a landline with its area code (such as 0531-88888888, optionally followed by an extension: 0531-88888888-123).";
    PartyCreditCodeRequired = "party.credit_code_required", 422,
        "法人须填写统一社会信用代码；没有统一社会信用代码的单位请选择“非法人组织”。",
        "A legal person needs its unified social credit code; choose unincorporated organisation for a body that has none.";
    PartyRepresentativeRequired = "party.representative_required", 422,
        "请填写法定代表人（法人）或主要负责人（非法人组织）的姓名。",
        "Enter the name of the legal representative (legal person) or of the principal (unincorporated organisation).";
    PartyRepresentativeUnnamed = "party.representative_unnamed", 422,
        "法定代表人或主要负责人须填写真实姓名，不能填写“无名氏”等。",
        "The legal representative or principal must be named; a placeholder such as 无名氏 is not accepted.";
    PartyRepresentativeTitleTooLong = "party.representative_title_too_long", 422,
        "职务最多 50 个字。", "The representative's title can be at most 50 characters.";
    DocumentTypeRequired = "document.type_required", 422,
        "请选择自然人的证件类型；姓名不详的当事人（无名氏）可选择“无证件”（none）。",
        "Choose the natural person's identity document; for a person whose name is unknown, choose none.";
    DocumentTypeInvalid = "document.type_invalid", 422,
        "证件类型应为 resident_id（居民身份证）、passport（护照）、hong_kong_macao_permit（港澳居民来往内地通行证）、taiwan_permit（台湾居民来往大陆通行证）、residence_permit（港澳台居民居住证）、foreign_permanent_residence（外国人永久居留身份证）或 none（无证件）。",
        "The document type must be resident_id, passport, hong_kong_macao_permit, taiwan_permit, residence_permit, foreign_permanent_residence or none.";
    DocumentNoneNotAllowed = "document.none_not_allowed", 422,
        "只有姓名不详的当事人（无名氏）才可以不提供证件，请选择证件类型并填写证件号码。",
        "Only a person whose name is unknown may have no document; choose the document type and enter its number.";
    DocumentNumberRequired = "document.number_required", 422,
        "请填写证件号码。", "Enter the document number.";
    DocumentNumberNotApplicable = "document.number_not_applicable", 422,
        "证件类型为“无证件”时不能填写证件号码；如有证件，请选择相应的证件类型。",
        "A document number cannot go with the document type none; if the person has a document, choose its type.";
    DocumentPassportFormat = "document.passport_format", 422,
        "护照号码应为 5 至 20 位英文字母或数字（中国普通护照如 E12345678 或 EA1234567），请核对。",
        "A passport number is 5 to 20 letters or digits (Chinese passports look like E12345678 or EA1234567); check the number.";
    DocumentHongKongMacaoPermitFormat = "document.hong_kong_macao_permit_format", 422,
        "港澳居民来往内地通行证号码应为字母 H（香港居民）或 M（澳门居民）加 8 位数字，可再加 2 位换证次数，如 H12345678 或 H1234567801。",
        "A Hong Kong and Macao residents' permit number is H (Hong Kong) or M (Macao) and 8 digits, optionally followed by the 2-digit issue count, e.g. H12345678 or H1234567801.";
    DocumentTaiwanPermitFormat = "document.taiwan_permit_format", 422,
        "台湾居民来往大陆通行证号码应为 8 位数字；旧版证件为 10 位数字，可带括号内的签发机关代码，如 0561682001(D)。",
        "A Taiwan residents' permit number is 8 digits; older permits have 10 digits, possibly followed by the issuing office's code in parentheses, e.g. 0561682001(D).";
    DocumentResidencePermitFormat = "document.residence_permit_format", 422,
        "港澳台居民居住证号码应为 18 位，以 810000（香港）、820000（澳门）或 830000（台湾）开头，最后一位是数字或字母 X。",
        "A residence permit number for Hong Kong, Macao and Taiwan residents has 18 characters, starts with 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan) and ends with a digit or X.";
    DocumentPermanentResidenceFormat = "document.permanent_residence_format", 422,
        "外国人永久居留身份证号码应为以 9 开头的 18 位号码（2023 年版），或 3 位英文字母加 12 位数字（旧版）。",
        "A foreigner's permanent residence ID number has 18 characters starting with 9 (2023 cards) or 3 letters and 12 digits (earlier cards).";
    DocumentBirthDate = "document.birth_date", 422,
        "证件号码中的出生日期（第 7 至 14 位）无效，请核对。",
        "The birth date in the document number (digits 7 to 14) is not valid; check the number.";
    DocumentChecksum = "document.checksum", 422,
        "证件号码校验位不符，请核对是否有输错的数字。",
        "The document number's check character does not match; check for a mistyped digit.";
    DocumentIsResidentId = "document.is_resident_id", 422,
        "这是中国大陆居民身份证号码，请将证件类型选为“居民身份证”（resident_id）。",
        "This is a mainland resident ID number; choose the document type resident_id.";
    DocumentIsResidencePermit = "document.is_residence_permit", 422,
        "这是港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”（residence_permit）。",
        "This is the number of a residence permit for Hong Kong, Macao or Taiwan residents; choose the document type residence_permit.";
    DocumentIsPermanentResidence = "document.is_permanent_residence", 422,
        "这是外国人永久居留身份证号码，请将证件类型选为“外国人永久居留身份证”（foreign_permanent_residence）。",
        "This is a foreigner's permanent residence ID number; choose the document type foreign_permanent_residence.";
    // --- Fee schedule ---
    FeeCategoryRequired = "fee.category_required", 422,
        "请选择案件类别（财产、离婚、人格权、其他非财产、知识产权或劳动争议）；填写了金额的民事案件默认按财产案件计算。",
        "Choose the category of the case (property, divorce, personality rights, other non-property, intellectual property or labour); a civil case with an amount counts as a property case.";
    FeeCategoryInvalid = "fee.category_invalid", 422,
        "案件类别应为 property、divorce、personality_rights、other_non_property、intellectual_property、labour、administrative_special、administrative_other 或 administrative_compensation。",
        "The category must be property, divorce, personality_rights, other_non_property, intellectual_property, labour, administrative_special, administrative_other or administrative_compensation.";
    FeeCategoryNotApplicable = "fee.category_not_applicable", 422,
        "这类案件不适用该案件类别（民事案件用民事类别，行政案件用行政类别，保全、执行、特别程序等按各自标准计算，不选类别）。",
        "This category does not apply to cases of this kind (civil categories for civil cases, administrative ones for administrative cases; preservation, enforcement, special procedures and the like have their own scales and take no category).";
    FeeAmountRequired = "fee.amount_required", 422,
        "按这类案件的收费标准需要金额（诉讼请求、上诉请求、执行或申请的金额），请填写。",
        "The fee of this kind of case is computed on an amount (claimed, appealed, to be enforced or applied for); enter it.";
    FeeAmountTooLarge = "fee.amount_too_large", 422,
        "金额过大，无法计算诉讼费用。", "The amount is too large to compute the fee.";
    FeeProcedureInvalid = "fee.procedure_invalid", 422,
        "审理程序应为 ordinary（普通程序）或 simplified（简易程序）。",
        "The procedure must be ordinary or simplified.";
    FeeProcedureNotApplicable = "fee.procedure_not_applicable", 422,
        "只有民事、行政一审案件可以适用简易程序减半交纳受理费，这类案件请选择普通程序（ordinary）。",
        "Only civil and administrative first-instance cases can be tried under the simplified procedure at half the fee; choose ordinary for this kind.";
    FeeSpecialProcedureTypeRequired = "fee.special_procedure_type_required", 422,
        "请选择特别程序类型（案件类型代码 0310 至 0323），各类型收费不同。",
        "Choose the special procedure (type codes 0310 to 0323); their fees differ.";
    FeeSpecialProcedureTypeNotApplicable = "fee.special_procedure_type_not_applicable", 422,
        "只有民事特别程序案件需要选择特别程序类型。",
        "Only civil special procedures take a special-procedure type.";
    FeeAmountChoiceRequired = "fee.amount_choice_required", 422,
        "收费标准给出的是一个幅度，请在 fee_items 中确定具体金额。",
        "The schedule gives a range here; set the amount in fee_items.";
    FeeOverrideReasonRequired = "fee.override_reason_required", 422,
        "诉讼费与平台按收费标准计算的金额不一致，请说明理由（override_reason）。",
        "The fee differs from the platform's proposal under the schedule; give the reason in override_reason.";
    DaysWaitingInvalid = "queue.days_waiting_invalid", 422,
        "等待天数应为 0 至 3650 之间的整数。", "Days waiting must be a whole number from 0 to 3650.";
    FeeItemNotApplicable = "fee.item_not_applicable", 422,
        "该收费项目不适用于此类案件。", "This fee item does not apply to this kind of case.";
    FeeItemRepeated = "fee.item_repeated", 422,
        "同一收费项目只能出现一次。", "Each fee item may appear only once.";
    FilingAlreadyDocketed = "filing.already_docketed", 409,
        "该案件已立案（已生成案号和诉讼费），不能重复立案。",
        "The case has already been registered (case number and fee assigned).";
    FeeNoticeDaysInvalid = "fee.notice_days_invalid", 422,
        "交费期限应为 1 至 30 天。", "The payment notice must run 1 to 30 days.";
    FeeOrderNotFound = "fee_order.not_found", 404,
        "没有这个交费单。", "There is no such fee order.";
    FeeOrderNotExpired = "fee_order.not_expired", 409,
        "该交费通知尚未过期（或已交费），不能重新开具。",
        "The payment notice has not expired (or was paid), so no new one can be issued.";
    FeeOrderReplaced = "fee_order.replaced", 409,
        "该交费单已重新开具过，请使用新的交费单。",
        "A new notice was already issued for this order; use the new one.";
    FeeOrderNoticeExpired = "fee_order.notice_expired", 409,
        "交费通知已过期，请联系法院重新开具交费通知。",
        "The payment notice has expired; contact the court for a new one.";
    FeeOrderAlreadyPaid = "fee_order.already_paid", 409,
        "该交费单已交费成功，无需重复交费。",
        "This fee order has already been paid; do not pay again.";
    FeeOrderNotPayable = "fee_order.not_payable", 409,
        "该交费单当前状态不能交费。", "This fee order cannot be paid in its current status.";
    FeeOrderNotPaid = "fee_order.not_paid", 409,
        "该交费单尚未交费（暂无可退款项，也没有交费凭证）。",
        "This fee order has not been paid (nothing to refund, no voucher yet).";
    PaymentChannelUnavailable = "payment.channel_unavailable", 422,
        "该交费单不能使用这种支付方式，请从可用的支付方式中选择。",
        "This payment channel is not offered for this order; choose one of the channels offered.";
    PaymentChannelUnknown = "payment.channel_unknown", 422,
        "不认识的支付方式。", "Unknown payment channel.";
    PaymentBankRequired = "payment.bank_required", 422,
        "网银支付请选择银行。", "Online banking needs a bank.";
    PaymentBankNotExpected = "payment.bank_not_expected", 422,
        "这种支付方式不需要选择银行。", "This channel takes no bank.";
    PaymentBankUnknown = "payment.bank_unknown", 422,
        "不认识的银行，请从该支付方式列出的银行中选择。",
        "Unknown bank; choose one of the banks listed with the channel.";
    PaymentBankUnavailable = "payment.bank_unavailable", 422,
        "当地财政未在该银行开户，不能选择该银行，请选择其他银行。",
        "The local finance bureau holds no account with this bank; choose another bank.";
    PaymentPlatformUnavailable = "payment.platform_unavailable", 503,
        "支付平台暂时没有响应，请稍后再试；如已扣款，系统查询确认后会自动更新交费状态。",
        "The payment platform did not answer; please try again later. If money was taken, the order is updated once the platform confirms it.";
    RefundAmountInvalid = "refund.amount_invalid", 422,
        "退费金额应大于零，以元为单位，最多两位小数。",
        "The refund amount must be more than zero, in yuan with at most two decimals.";
    RefundExceedsPaid = "refund.exceeds_paid", 422,
        "退费总额不能超过已交金额。", "Refunds cannot add up to more than was paid.";
    RefundReasonRequired = "refund.reason_required", 422,
        "请填写退费原因。", "Give the reason for the refund.";
    VoucherUnavailable = "voucher.unavailable", 503,
        "交费凭证暂时无法生成，请稍后再试或使用支付平台的凭证。",
        "The payment voucher cannot be produced right now; try again later or use the payment platform's voucher.";
    ReconciliationReportNotFound = "reconciliation_report.not_found", 404,
        "该日尚未对账。", "That day has not been reconciled.";

    // --- Trial-system feed ---
    FeedCursorInvalid = "feed.cursor_invalid", 400,
        "游标无效：请原样使用上一页返回的 next_cursor，或不传以从头读取。",
        "The cursor is invalid: pass the next_cursor of the previous page unchanged, or none to read from the start.";
    FeedLimitInvalid = "feed.limit_invalid", 422,
        "每次读取条数应为 1 到 500 之间的整数。", "The limit must be an integer from 1 to 500.";
}
