//! Closed vocabularies of petition work (channels, classes, categories, outcomes, …).
//!
//! Each vocabulary is an enum with a stable kebab-case `code` (what the database, import files and
//! query language use), a Chinese name and an English name. Pure data: no I/O.

/// Defines a closed vocabulary: the enum, `ALL`, `code`, `zh`, `en`, `from_code`, `Display` (code)
/// and serde as the code string.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal, $en:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// Stable machine name, used in storage, files and queries.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            /// Chinese (zh-CN) name.
            pub fn zh(self) -> &'static str {
                match self { $( $name::$variant => $zh ),+ }
            }

            /// English name.
            pub fn en(self) -> &'static str {
                match self { $( $name::$variant => $en ),+ }
            }

            /// Parses a stable machine name.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $code => Some($name::$variant), )+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                $name::from_code(&text).ok_or_else(|| {
                    let known: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                    serde::de::Error::custom(format!(
                        "unknown {} `{}` (expected one of: {})",
                        stringify!($name).to_lowercase(), text, known.join(", ")
                    ))
                })
            }
        }
    };
}

code_enum! {
    /// How a petition reached the bureau (信访形式, Art 17).
    Channel {
        Online = ("online", "网上信访", "online"),
        Letter = ("letter", "来信", "letter"),
        Visit = ("visit", "来访", "visit"),
        Phone = ("phone", "来电", "phone"),
        Video = ("video", "视频信访", "video"),
        Fax = ("fax", "传真", "fax"),
    }
}

code_enum! {
    /// Classification by law (依法分类处理, Arts 29–31); every accepted case carries one.
    Class {
        Suggestion = ("suggestion", "建议意见类", "suggestion"),
        Accusation = ("accusation", "检举控告类", "accusation"),
        Demand = ("demand", "申诉求决类", "demand"),
    }
}

code_enum! {
    /// Subject category (内容分类) of a case.
    Category {
        PropertyCertificate = ("property-certificate", "城乡建设·办证难", "property certificates"),
        LateHousing = ("late-housing", "逾期交房", "late housing delivery"),
        UnpaidWages = ("unpaid-wages", "劳动保障·拖欠农民工工资", "unpaid migrant wages"),
        BankruptInsurance = ("bankrupt-insurance", "破产企业社保欠缴", "bankrupt firms' social insurance"),
        FundRaising = ("fund-raising", "经济·集资融资", "illegal fund-raising"),
        LandDemolition = ("land-demolition", "征地拆迁", "land and demolition"),
        Resettlement = ("resettlement", "生态移民", "ecological resettlement"),
        Litigation = ("litigation", "涉法涉诉", "litigation-related"),
        Environment = ("environment", "环境保护", "environment"),
        Health = ("health", "医疗卫生", "health care"),
        Education = ("education", "教育", "education"),
        Agriculture = ("agriculture", "农业农村", "agriculture and rural affairs"),
        Discipline = ("discipline", "纪检监察", "discipline inspection"),
        Other = ("other", "其他", "other"),
    }
}

code_enum! {
    /// Written outcome of a reply or review opinion (Art 32).
    Outcome {
        Supported = ("supported", "支持", "supported"),
        Explained = ("explained", "解释说明", "explained"),
        NotSupported = ("not-supported", "不予支持", "not supported"),
    }
}

code_enum! {
    /// Petitioner's satisfaction evaluation (满意度评价).
    Satisfaction {
        Satisfied = ("satisfied", "满意", "satisfied"),
        BasicallySatisfied = ("basically-satisfied", "基本满意", "basically satisfied"),
        Unsatisfied = ("unsatisfied", "不满意", "unsatisfied"),
    }
}

code_enum! {
    /// Where a diverted case leaves the petition route to (Arts 22, 28, 31).
    DivertRoute {
        Litigation = ("litigation", "诉讼/政法机关", "courts and political-legal organs"),
        DisciplineInspection = ("discipline-inspection", "纪检监察", "discipline inspection"),
        Arbitration = ("arbitration", "仲裁", "arbitration"),
        AdministrativeReview = ("administrative-review", "行政复议", "administrative review"),
    }
}

code_enum! {
    /// Level of a packaging leader (领导包案).
    LeaderLevel {
        Province = ("province", "自治区", "province"),
        City = ("city", "市", "city"),
        County = ("county", "县/区", "county"),
        Department = ("department", "区直部门", "department"),
        Township = ("township", "乡镇/街道", "township"),
    }
}

code_enum! {
    /// The five duties (五包) of a packaging leader.
    Duty {
        KnowSituation = ("know-situation", "包掌握情况", "know the full situation"),
        Resolve = ("resolve", "包解决化解", "solve and resolve"),
        Counsel = ("counsel", "包思想疏导", "counsel the petitioner"),
        EducateStabilise = ("educate-stabilise", "包教育稳定", "educate and keep stable"),
        StopPetitioning = ("stop-petitioning", "包息诉罢访", "bring petitioning to an end"),
    }
}

code_enum! {
    /// A console user's role.
    Role {
        Viewer = ("viewer", "只读", "viewer"),
        Operator = ("operator", "经办人", "operator"),
        Supervisor = ("supervisor", "督办员", "supervisor"),
        Admin = ("admin", "管理员", "admin"),
    }
}

impl Duty {
    /// Position of the duty in a package's checklist (0..5).
    pub fn index(self) -> usize {
        Duty::ALL.iter().position(|d| *d == self).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            let mut seen = std::collections::HashSet::new();
            for v in all {
                assert!(seen.insert(code(*v)), "duplicate code {}", code(*v));
                assert_eq!(parse(code(*v)), Some(*v));
            }
        }
        check(Channel::ALL, Channel::code, Channel::from_code);
        check(Class::ALL, Class::code, Class::from_code);
        check(Category::ALL, Category::code, Category::from_code);
        check(Outcome::ALL, Outcome::code, Outcome::from_code);
        check(
            Satisfaction::ALL,
            Satisfaction::code,
            Satisfaction::from_code,
        );
        check(DivertRoute::ALL, DivertRoute::code, DivertRoute::from_code);
        check(LeaderLevel::ALL, LeaderLevel::code, LeaderLevel::from_code);
        check(Duty::ALL, Duty::code, Duty::from_code);
        check(Role::ALL, Role::code, Role::from_code);
    }

    #[test]
    fn serde_uses_codes_and_names_the_bad_value() {
        let json = serde_json::to_string(&Category::UnpaidWages).expect("serialise");
        assert_eq!(json, "\"unpaid-wages\"");
        let err = serde_json::from_str::<Channel>("\"pigeon\"").expect_err("unknown channel");
        assert!(
            err.to_string().contains("unknown channel `pigeon`"),
            "{err}"
        );
    }

    #[test]
    fn five_duties_are_in_checklist_order() {
        assert_eq!(Duty::ALL.len(), 5);
        assert_eq!(Duty::StopPetitioning.index(), 4);
        assert_eq!(Duty::KnowSituation.zh(), "包掌握情况");
    }
}
