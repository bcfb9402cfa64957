//! The reference data a filing is checked against, held in memory: courts and their
//! hierarchy, the civil causes of action, the private-prosecution charges and the special
//! procedures. It is read once from the reference tables (which change only when the
//! service is deployed) and then consulted without I/O.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::domain::case_number::CourtCodes;
use crate::domain::kinds::Tier;

/// What a filing needs to know of a court.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtFacts {
    pub code: String,
    pub name: String,
    pub tier: Tier,
    /// The superior court; `None` for the High Court.
    pub parent_code: Option<String>,
}

/// A cause of action of the civil list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CauseFacts {
    pub id: String,
    pub name: String,
    /// 1 and 2 are the parts and sections of the list; causes proper start at 3.
    pub level: i16,
    pub parent_id: Option<String>,
}

/// A charge a victim may prosecute privately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeFacts {
    pub id: i32,
    pub charge: String,
}

/// The reference data, indexed.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    courts: HashMap<String, CourtFacts>,
    /// Retired court code → the code of the court that took over its cases.
    retired_courts: HashMap<String, String>,
    type_codes: HashSet<String>,
    civil_causes: HashMap<String, CauseFacts>,
    charges: BTreeMap<i32, ChargeFacts>,
    special_procedures: BTreeMap<String, String>,
}

/// The cause every road-traffic filing has: 机动车交通事故责任纠纷.
pub const ROAD_TRAFFIC_CAUSE: &str = "411";

impl Catalogue {
    pub fn new(
        courts: impl IntoIterator<Item = CourtFacts>,
        retired_courts: impl IntoIterator<Item = (String, String)>,
        type_codes: impl IntoIterator<Item = String>,
        civil_causes: impl IntoIterator<Item = CauseFacts>,
        charges: impl IntoIterator<Item = ChargeFacts>,
        special_procedures: impl IntoIterator<Item = (String, String)>,
    ) -> Catalogue {
        Catalogue {
            courts: courts.into_iter().map(|c| (c.code.clone(), c)).collect(),
            retired_courts: retired_courts.into_iter().collect(),
            type_codes: type_codes.into_iter().collect(),
            civil_causes: civil_causes
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            charges: charges.into_iter().map(|c| (c.id, c)).collect(),
            special_procedures: special_procedures.into_iter().collect(),
        }
    }

    /// A court in force.
    pub fn court(&self, code: &str) -> Option<&CourtFacts> {
        self.courts.get(code)
    }

    /// Whether `code` belonged to a court that was merged, renamed or abolished.
    pub fn is_retired_court(&self, code: &str) -> bool {
        self.retired_courts.contains_key(code)
    }

    /// The court in force that holds the cases of court `code`: the court itself, or the
    /// successor of a retired code (following successions that were themselves retired).
    pub fn court_in_force(&self, code: &str) -> Option<&CourtFacts> {
        let mut code = code;
        for _ in 0..8 {
            if let Some(court) = self.court(code) {
                return Some(court);
            }
            code = self.retired_courts.get(code)?;
        }
        None
    }

    /// The superior court of a court in force.
    pub fn superior(&self, code: &str) -> Option<&CourtFacts> {
        let parent = self.court(code)?.parent_code.as_deref()?;
        self.court(parent)
    }

    pub fn civil_cause(&self, id: &str) -> Option<&CauseFacts> {
        self.civil_causes.get(id)
    }

    /// Whether cause `id` is `ancestor` or lies below it in the list.
    pub fn cause_is_within(&self, id: &str, ancestor: &str) -> bool {
        let mut current = self.civil_cause(id);
        while let Some(cause) = current {
            if cause.id == ancestor {
                return true;
            }
            current = cause.parent_id.as_deref().and_then(|p| self.civil_cause(p));
        }
        false
    }

    pub fn charge(&self, id: i32) -> Option<&ChargeFacts> {
        self.charges.get(&id)
    }

    /// Every charge, by id.
    pub fn charges(&self) -> impl Iterator<Item = &ChargeFacts> {
        self.charges.values()
    }

    /// Every special procedure: (type code, name), by code.
    pub fn special_procedures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.special_procedures
            .iter()
            .map(|(code, name)| (code.as_str(), name.as_str()))
    }

    /// The name of a special procedure (type codes 0310–0323), if `code` is one.
    pub fn special_procedure(&self, code: &str) -> Option<&str> {
        self.special_procedures.get(code).map(String::as_str)
    }
}

impl CourtCodes for Catalogue {
    fn is_known_court(&self, code: &str) -> bool {
        // Case numbers of other provinces and of the Supreme People's Court are quoted too;
        // only this province's codes can be checked against the table.
        !code.starts_with('鲁') || self.courts.contains_key(code) || self.is_retired_court(code)
    }

    /// A national type code, or one of the intellectual-property tribunals' codes, which
    /// put 知 before a national code (知民终).
    fn is_known_type_code(&self, code: &str) -> bool {
        self.type_codes.contains(code)
            || code
                .strip_prefix('知')
                .is_some_and(|rest| self.type_codes.contains(rest))
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small catalogue for tests: a few courts of Jinan and Qingdao, some causes, charges
    //! and special procedures.

    use super::*;

    fn court(code: &str, name: &str, tier: Tier, parent: Option<&str>) -> CourtFacts {
        CourtFacts {
            code: code.into(),
            name: name.into(),
            tier,
            parent_code: parent.map(Into::into),
        }
    }

    fn cause(id: &str, name: &str, level: i16, parent: Option<&str>) -> CauseFacts {
        CauseFacts {
            id: id.into(),
            name: name.into(),
            level,
            parent_id: parent.map(Into::into),
        }
    }

    pub fn catalogue() -> Catalogue {
        Catalogue::new(
            [
                court("鲁", "山东省高级人民法院", Tier::High, None),
                court("鲁01", "济南市中级人民法院", Tier::Intermediate, Some("鲁")),
                court("鲁0102", "济南市历下区人民法院", Tier::Basic, Some("鲁01")),
                court("鲁0103", "济南市市中区人民法院", Tier::Basic, Some("鲁01")),
                court("鲁02", "青岛市中级人民法院", Tier::Intermediate, Some("鲁")),
                court("鲁0202", "青岛市市南区人民法院", Tier::Basic, Some("鲁02")),
            ],
            [("鲁0181".to_owned(), "鲁0102".to_owned())],
            [
                "民初",
                "民终",
                "民撤",
                "民再",
                "行初",
                "行赔初",
                "行再",
                "执",
                "执异",
                "执复",
                "财保",
                "民申",
                "刑初",
            ]
            .map(String::from),
            [
                cause("P9", "侵权责任纠纷", 1, None),
                cause("S35", "侵权责任纠纷", 2, Some("P9")),
                cause("411", "机动车交通事故责任纠纷", 3, Some("S35")),
                cause("411.1", "智能网联汽车交通事故责任纠纷", 4, Some("411")),
                cause("412", "非机动车交通事故责任纠纷", 3, Some("S35")),
                cause("P4", "合同纠纷", 1, None),
                cause("S10", "合同纠纷", 2, Some("P4")),
                cause("103", "买卖合同纠纷", 3, Some("S10")),
            ],
            [
                ChargeFacts {
                    id: 1,
                    charge: "侮辱罪".into(),
                },
                ChargeFacts {
                    id: 2,
                    charge: "诽谤罪".into(),
                },
            ],
            [
                ("0317".to_owned(), "实现担保物权案件".to_owned()),
                ("0318".to_owned(), "调解协议司法确认案件".to_owned()),
                ("0323".to_owned(), "民事特别程序监督案件".to_owned()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::catalogue;
    use super::*;

    #[test]
    fn superiors_follow_the_tree() {
        let c = catalogue();
        assert_eq!(c.superior("鲁0102").unwrap().code, "鲁01");
        assert_eq!(c.superior("鲁01").unwrap().code, "鲁");
        assert!(c.superior("鲁").is_none());
        assert!(c.superior("鲁9999").is_none());
        assert_eq!(c.court_in_force("鲁0181").unwrap().code, "鲁0102");
        assert_eq!(c.court_in_force("鲁01").unwrap().code, "鲁01");
        assert!(c.court_in_force("鲁0199").is_none());
    }

    #[test]
    fn causes_know_their_ancestors() {
        let c = catalogue();
        assert!(c.cause_is_within("411.1", ROAD_TRAFFIC_CAUSE));
        assert!(c.cause_is_within("411", ROAD_TRAFFIC_CAUSE));
        assert!(!c.cause_is_within("412", ROAD_TRAFFIC_CAUSE));
        assert!(!c.cause_is_within("nope", ROAD_TRAFFIC_CAUSE));
    }

    #[test]
    fn other_provinces_pass_the_court_check() {
        let c = catalogue();
        assert!(c.is_known_court("京0105"));
        assert!(c.is_known_court("最高法"));
        assert!(c.is_known_court("鲁0181"));
        assert!(!c.is_known_court("鲁0199"));
        assert!(c.is_known_type_code("执复"));
        assert!(!c.is_known_type_code("执xx"));
    }
}
