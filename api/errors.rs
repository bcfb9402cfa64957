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
    QueryTooLong = "query.too_long", 422,
        "搜索词过长（最多 50 个字）。", "The search text is too long (at most 50 characters).";

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
        "姓名只能由汉字（少数民族姓名可用间隔号“·”）或外文字母组成，不能含有数字、表情符号或其他符号。",
        "A name can contain only Chinese characters (with the separator dot \"·\" in minority names) or Latin letters, not digits, emoji or other symbols.";
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
}
