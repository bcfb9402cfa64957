//! Page parameters and the list envelope shared by every paginated list.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem::{ApiError, FieldError};
use crate::errors::Code;

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Page size when the client names none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// `page` and `page_size` as sent; validated by [`PageParams::validate`] so that a bad value
/// gets its own field error rather than a generic query error.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (default 1). A page past the end is empty, not an error.
    #[param(value_type = Option<u32>, minimum = 1, example = 1)]
    pub page: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    pub page_size: Option<String>,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
}

impl PageRequest {
    /// Rows to skip.
    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.page_size)
    }

    /// Rows to fetch.
    pub fn limit(self) -> i64 {
        i64::from(self.page_size)
    }
}

impl PageParams {
    /// Checks both parameters, reporting every bad one.
    pub fn validate(&self) -> Result<PageRequest, ApiError> {
        let mut errors = Vec::new();
        let page = parse_bounded(self.page.as_deref(), 1, u32::MAX / 2, 1);
        let page_size = parse_bounded(
            self.page_size.as_deref(),
            1,
            MAX_PAGE_SIZE,
            DEFAULT_PAGE_SIZE,
        );
        if page.is_none() {
            errors.push(FieldError {
                field: "page".into(),
                code: Code::PageInvalid,
                message: None,
            });
        }
        if page_size.is_none() {
            errors.push(FieldError {
                field: "page_size".into(),
                code: Code::PageSizeInvalid,
                message: None,
            });
        }
        match (page, page_size) {
            (Some(page), Some(page_size)) => Ok(PageRequest { page, page_size }),
            _ => Err(ApiError::validation(errors)),
        }
    }
}

/// A number sent as text: `default` when absent or blank, `None` when not an integer within
/// `min..=max`.
pub(crate) fn parse_bounded(raw: Option<&str>, min: u32, max: u32, default: u32) -> Option<u32> {
    match raw.map(str::trim) {
        None | Some("") => Some(default),
        Some(text) => text.parse::<u32>().ok().filter(|n| (min..=max).contains(n)),
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The page number answered.
    pub page: u32,
    pub page_size: u32,
    /// Items in the whole list.
    pub total: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: i64) -> Page<T> {
        Page {
            items,
            page: request.page,
            page_size: request.page_size,
            total,
        }
    }
}

/// A complete, unpaginated list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(page: Option<&str>, size: Option<&str>) -> PageParams {
        PageParams {
            page: page.map(Into::into),
            page_size: size.map(Into::into),
        }
    }

    #[test]
    fn defaults_apply_when_nothing_is_sent() {
        let request = params(None, None).validate().unwrap();
        assert_eq!(
            request,
            PageRequest {
                page: 1,
                page_size: DEFAULT_PAGE_SIZE
            }
        );
        assert_eq!(request.offset(), 0);
    }

    #[test]
    fn offsets_follow_the_page() {
        let request = params(Some("3"), Some("25")).validate().unwrap();
        assert_eq!(request.offset(), 50);
        assert_eq!(request.limit(), 25);
    }

    #[test]
    fn bad_values_are_reported_per_field() {
        for (page, size, fields) in [
            (Some("0"), None, vec!["page"]),
            (Some("-1"), Some("101"), vec!["page", "page_size"]),
            (Some("abc"), Some("0"), vec!["page", "page_size"]),
            (None, Some("1.5"), vec!["page_size"]),
            (Some("99999999999"), None, vec!["page"]),
        ] {
            let error = params(page, size).validate().unwrap_err();
            let got: Vec<_> = error
                .field_errors()
                .iter()
                .map(|e| e.field.as_str())
                .collect();
            assert_eq!(got, fields, "{page:?} {size:?}");
        }
    }

    #[test]
    fn the_maximum_page_size_is_accepted() {
        let request = params(None, Some("100")).validate().unwrap();
        assert_eq!(request.page_size, MAX_PAGE_SIZE);
    }
}
