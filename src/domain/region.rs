//! Ningxia's regions (domain.md §10): the province, five cities, 22 county-level units with their
//! national admin codes, and invented township names (241 in all).
//!
//! Region scope works by admin-code prefix: `64` is the province, `6401` Yinchuan, `640106`
//! Jinfeng. Pure data.

/// Admin code of the province (宁夏回族自治区).
pub const PROVINCE_CODE: &str = "64";
/// Chinese name of the province.
pub const PROVINCE_NAME: &str = "宁夏回族自治区";

/// A prefecture-level city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct City {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
}

/// A county-level unit (县/区/市).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct County {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// Number of townships and streets (乡镇/街道) in the county.
    pub townships: u32,
    /// Relative population weight, for realistic demo intake.
    pub weight: u32,
}

/// A township or street (乡镇/街道); names are invented for the demo region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Township {
    /// County code followed by three digits.
    pub code: String,
    pub name: String,
}

/// The five cities.
pub const CITIES: [City; 5] = [
    City {
        code: "6401",
        name: "银川市",
        name_en: "Yinchuan",
    },
    City {
        code: "6402",
        name: "石嘴山市",
        name_en: "Shizuishan",
    },
    City {
        code: "6403",
        name: "吴忠市",
        name_en: "Wuzhong",
    },
    City {
        code: "6404",
        name: "固原市",
        name_en: "Guyuan",
    },
    City {
        code: "6405",
        name: "中卫市",
        name_en: "Zhongwei",
    },
];

/// The 22 county-level units.
pub const COUNTIES: [County; 22] = [
    County {
        code: "640104",
        name: "兴庆区",
        name_en: "Xingqing",
        townships: 14,
        weight: 9,
    },
    County {
        code: "640105",
        name: "西夏区",
        name_en: "Xixia",
        townships: 9,
        weight: 6,
    },
    County {
        code: "640106",
        name: "金凤区",
        name_en: "Jinfeng",
        townships: 8,
        weight: 7,
    },
    County {
        code: "640121",
        name: "永宁县",
        name_en: "Yongning",
        townships: 7,
        weight: 4,
    },
    County {
        code: "640122",
        name: "贺兰县",
        name_en: "Helan",
        townships: 7,
        weight: 4,
    },
    County {
        code: "640181",
        name: "灵武市",
        name_en: "Lingwu",
        townships: 9,
        weight: 4,
    },
    County {
        code: "640202",
        name: "大武口区",
        name_en: "Dawukou",
        townships: 11,
        weight: 4,
    },
    County {
        code: "640205",
        name: "惠农区",
        name_en: "Huinong",
        townships: 10,
        weight: 3,
    },
    County {
        code: "640221",
        name: "平罗县",
        name_en: "Pingluo",
        townships: 13,
        weight: 4,
    },
    County {
        code: "640302",
        name: "利通区",
        name_en: "Litong",
        townships: 13,
        weight: 5,
    },
    County {
        code: "640303",
        name: "红寺堡区",
        name_en: "Hongsibu",
        townships: 5,
        weight: 3,
    },
    County {
        code: "640323",
        name: "盐池县",
        name_en: "Yanchi",
        townships: 8,
        weight: 2,
    },
    County {
        code: "640324",
        name: "同心县",
        name_en: "Tongxin",
        townships: 11,
        weight: 4,
    },
    County {
        code: "640381",
        name: "青铜峡市",
        name_en: "Qingtongxia",
        townships: 8,
        weight: 3,
    },
    County {
        code: "640402",
        name: "原州区",
        name_en: "Yuanzhou",
        townships: 15,
        weight: 5,
    },
    County {
        code: "640422",
        name: "西吉县",
        name_en: "Xiji",
        townships: 19,
        weight: 4,
    },
    County {
        code: "640423",
        name: "隆德县",
        name_en: "Longde",
        townships: 13,
        weight: 2,
    },
    County {
        code: "640424",
        name: "泾源县",
        name_en: "Jingyuan",
        townships: 7,
        weight: 1,
    },
    County {
        code: "640425",
        name: "彭阳县",
        name_en: "Pengyang",
        townships: 12,
        weight: 2,
    },
    County {
        code: "640502",
        name: "沙坡头区",
        name_en: "Shapotou",
        townships: 12,
        weight: 4,
    },
    County {
        code: "640521",
        name: "中宁县",
        name_en: "Zhongning",
        townships: 12,
        weight: 3,
    },
    County {
        code: "640522",
        name: "海原县",
        name_en: "Haiyuan",
        townships: 18,
        weight: 3,
    },
];

/// Characters from which township names are composed (invented, not real places).
const NAME_PARTS: [&str; 40] = [
    "红", "金", "兴", "永", "新", "和", "平", "安", "德", "丰", "宁", "河", "山", "川", "泉", "沙",
    "清", "惠", "通", "盛", "华", "源", "隆", "吉", "长", "民", "乐", "胜", "庆", "园", "柳", "杨",
    "石", "峡", "湖", "桥", "堡", "滩", "塬", "湾",
];

/// The county with this code.
pub fn county(code: &str) -> Option<&'static County> {
    COUNTIES.iter().find(|c| c.code == code)
}

/// The city a county code (or any longer code) belongs to.
pub fn city_of(code: &str) -> Option<&'static City> {
    let prefix = code.get(..4)?;
    CITIES.iter().find(|c| c.code == prefix)
}

/// The counties of a city.
pub fn counties_of(city_code: &str) -> impl Iterator<Item = &'static County> + '_ {
    COUNTIES
        .iter()
        .filter(move |c| c.code.starts_with(city_code))
}

/// The townships of a county, with deterministic invented names. Districts (区) have streets
/// (街道) first, then towns; counties have towns (镇) and townships (乡).
pub fn townships(county: &County) -> Vec<Township> {
    let seed = COUNTIES
        .iter()
        .position(|c| c.code == county.code)
        .unwrap_or(0);
    let is_district = county.name.ends_with('区');
    let mut used = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(county.townships as usize);
    let mut k = seed * 7;
    for n in 0..county.townships {
        let suffix = match (is_district, n % 3) {
            (true, 0 | 1) => "街道",
            (_, 2) => "乡",
            _ => "镇",
        };
        let name = loop {
            let first = NAME_PARTS[k % NAME_PARTS.len()];
            let second = NAME_PARTS[(k * 13 + 5) % NAME_PARTS.len()];
            k += 1;
            if first != second && used.insert(format!("{first}{second}")) {
                break format!("{first}{second}{suffix}");
            }
        };
        out.push(Township {
            code: format!("{}{:03}", county.code, n + 1),
            name,
        });
    }
    out
}

/// Name of any region code: province, city, county or township.
pub fn name_of(code: &str) -> Option<String> {
    match code.len() {
        2 if code == PROVINCE_CODE => Some(PROVINCE_NAME.to_string()),
        4 => CITIES
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.name.to_string()),
        6 => county(code).map(|c| c.name.to_string()),
        9 => {
            let county = county(code.get(..6)?)?;
            townships(county)
                .into_iter()
                .find(|t| t.code == code)
                .map(|t| t.name)
        }
        _ => None,
    }
}

/// Name of a region code in `lang`: in English the city and county names (`Yuanzhou`), and a
/// township's name in pinyin with its kind (`Shengshan Subdistrict`).
pub fn name_in(code: &str, lang: crate::i18n::Lang) -> Option<String> {
    if lang == crate::i18n::Lang::Zh {
        return name_of(code);
    }
    match code.len() {
        2 if code == PROVINCE_CODE => Some("Ningxia".to_string()),
        4 => CITIES
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.name_en.to_string()),
        6 => county(code).map(|c| c.name_en.to_string()),
        9 => {
            let county_en = county(code.get(..6)?)?.name_en;
            let name = name_of(code)?;
            let (stem, kind) = [("街道", "Subdistrict"), ("镇", "Town"), ("乡", "Township")]
                .into_iter()
                .find_map(|(zh, en)| name.strip_suffix(zh).map(|stem| (stem.to_string(), en)))
                .unwrap_or((name.clone(), ""));
            let mut romanised = crate::search::pinyin_of(&stem).0;
            if let Some(first) = romanised.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            Some(
                format!("{county_en} {romanised} {kind}")
                    .trim_end()
                    .to_string(),
            )
        }
        _ => None,
    }
}

/// A county's name given in Chinese, in `lang` (the search index keeps the Chinese name).
pub fn county_name_in(name: &str, lang: crate::i18n::Lang) -> &str {
    match lang {
        crate::i18n::Lang::Zh => name,
        crate::i18n::Lang::En => COUNTIES
            .iter()
            .find(|c| c.name == name)
            .map_or(name, |c| c.name_en),
    }
}

/// The region code of the level above `code` (county → city → province; the province is the
/// top): the body that handles a review (Art 35) or re-review (Art 36) sits there.
pub fn level_up(code: &str) -> String {
    match code.len() {
        n if n > 6 => code.chars().take(6).collect(),
        n if n > 4 => code.chars().take(4).collect(),
        n if n > 2 => code.chars().take(2).collect(),
        _ => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ningxia_has_five_cities_22_counties_and_241_townships() {
        assert_eq!(CITIES.len(), 5);
        assert_eq!(COUNTIES.len(), 22);
        let total: u32 = COUNTIES.iter().map(|c| c.townships).sum();
        assert_eq!(total, 241);
        for county in &COUNTIES {
            assert!(city_of(county.code).is_some(), "{} has a city", county.name);
        }
        assert_eq!(counties_of("6401").count(), 6);
        assert_eq!(counties_of("6405").count(), 3);
    }

    #[test]
    fn township_names_are_unique_within_a_county_and_codes_extend_the_county() {
        for county in &COUNTIES {
            let list = townships(county);
            assert_eq!(list.len() as u32, county.townships);
            let names: std::collections::HashSet<_> = list.iter().map(|t| &t.name).collect();
            assert_eq!(names.len(), list.len(), "{}", county.name);
            assert!(
                list.iter()
                    .all(|t| t.code.starts_with(county.code) && t.code.len() == 9)
            );
        }
    }

    #[test]
    fn names_resolve_at_every_level() {
        assert_eq!(name_of("64").as_deref(), Some("宁夏回族自治区"));
        assert_eq!(name_of("6401").as_deref(), Some("银川市"));
        assert_eq!(name_of("640106").as_deref(), Some("金凤区"));
        assert!(name_of("640106001").is_some());
        assert_eq!(name_of("999999"), None);
    }
}
