//! Demo reference data: responsible units per county and at province level, about fifty leaders
//! at five levels, and the demo's console users. Deterministic; no randomness needed.

use crate::domain::region::{CITIES, COUNTIES};
use crate::domain::{Category, LeaderLevel, Role};
use crate::store::{Leader, Unit, User};

/// Kinds of county-level unit, in id order within each county.
pub const UNIT_KINDS: [&str; 12] = [
    "信访局",
    "住建局",
    "人社局",
    "自然资源局",
    "公安局",
    "人民法院",
    "教育局",
    "卫健局",
    "生态环境局",
    "农业农村局",
    "纪委监委",
    "市场监管局",
];

/// Province-level departments (区直部门), one per unit kind.
const PROVINCE_UNITS: [&str; 12] = [
    "自治区信访局",
    "自治区住房和城乡建设厅",
    "自治区人力资源和社会保障厅",
    "自治区自然资源厅",
    "自治区公安厅",
    "自治区高级人民法院",
    "自治区教育厅",
    "自治区卫生健康委员会",
    "自治区生态环境厅",
    "自治区农业农村厅",
    "自治区纪委监委",
    "自治区市场监督管理厅",
];

/// The unit kind (index into `UNIT_KINDS`) that handles a category.
pub fn unit_kind_for(category: Category) -> usize {
    match category {
        Category::PropertyCertificate | Category::LandDemolition => 3,
        Category::LateHousing => 1,
        Category::UnpaidWages | Category::BankruptInsurance => 2,
        Category::FundRaising => 4,
        Category::Resettlement | Category::Agriculture => 9,
        Category::Litigation => 5,
        Category::Environment => 8,
        Category::Health => 7,
        Category::Education => 6,
        Category::Discipline => 10,
        Category::Other => 11,
    }
}

/// Id of the unit of `kind` in the county at `county_index`.
pub fn county_unit_id(county_index: usize, kind: usize) -> i64 {
    (county_index * UNIT_KINDS.len() + kind + 1) as i64
}

/// Id of the province-level department of `kind`.
pub fn province_unit_id(kind: usize) -> i64 {
    (COUNTIES.len() * UNIT_KINDS.len() + kind + 1) as i64
}

/// Every unit: 12 per county, then 12 province-level departments.
pub fn units() -> Vec<Unit> {
    let mut out = Vec::new();
    for (ci, county) in COUNTIES.iter().enumerate() {
        for (kind, name) in UNIT_KINDS.iter().enumerate() {
            out.push(Unit {
                id: county_unit_id(ci, kind),
                name: format!("{}{}", county.name, name),
                region: county.code.to_string(),
            });
        }
    }
    for (kind, name) in PROVINCE_UNITS.iter().enumerate() {
        out.push(Unit {
            id: province_unit_id(kind),
            name: (*name).to_string(),
            region: "64".to_string(),
        });
    }
    out
}

const LEADER_NAMES: [&str; 53] = [
    "马建国",
    "李红梅",
    "张志强",
    "王立新",
    "杨秀兰",
    "刘永福",
    "陈德明",
    "赵文华",
    "周海峰",
    "吴国庆",
    "徐丽娟",
    "孙学军",
    "马彦龙",
    "丁少华",
    "海振宇",
    "田玉梅",
    "白志刚",
    "苏建平",
    "韩晓东",
    "郭春生",
    "何秀英",
    "高志远",
    "罗永红",
    "梁文斌",
    "宋建华",
    "郑宏伟",
    "谢玉兰",
    "冯德胜",
    "金海燕",
    "纳忠义",
    "拜学成",
    "锁玉宝",
    "虎振华",
    "李国栋",
    "王春燕",
    "张宝林",
    "刘喜荣",
    "陈晓梅",
    "杨志明",
    "马玉芳",
    "周立军",
    "吴春华",
    "徐永平",
    "孙红霞",
    "朱建军",
    "胡晓宁",
    "郭文亮",
    "何国华",
    "高丽萍",
    "田忠福",
    "丁秀梅",
    "海晓峰",
    "白玉成",
];

/// About fifty leaders: 12 province, 5 city, 22 county, 8 department, 6 township.
pub fn leaders() -> Vec<Leader> {
    let mut out = Vec::new();
    let mut names = LEADER_NAMES.iter();
    let mut push = |level, title: String, region: &str| {
        if let Some(name) = names.next() {
            out.push(Leader {
                id: out.len() as i64 + 1,
                name: (*name).to_string(),
                level,
                title,
                region: region.to_string(),
            });
        }
    };
    let province_titles = [
        "自治区副主席",
        "自治区党委常委",
        "自治区人大常委会副主任",
        "自治区政协副主席",
    ];
    for i in 0..12 {
        push(
            LeaderLevel::Province,
            province_titles[i % province_titles.len()].to_string(),
            "64",
        );
    }
    for city in &CITIES {
        push(LeaderLevel::City, format!("{}市长", city.name), city.code);
    }
    for county in &COUNTIES {
        // 永宁县委书记, 兴庆区委书记, 灵武市委书记.
        push(
            LeaderLevel::County,
            format!("{}委书记", county.name),
            county.code,
        );
    }
    for dept in PROVINCE_UNITS.iter().skip(1).take(8) {
        push(LeaderLevel::Department, format!("{dept}主要负责人"), "64");
    }
    for county in COUNTIES.iter().step_by(4).take(6) {
        push(
            LeaderLevel::Township,
            format!("{}乡镇党委书记", county.name),
            county.code,
        );
    }
    out
}

/// The demo console's users. `zhao.lei`, a province-wide supervisor, is who the demo console
/// opens as; one operator per city owns that city's open cases.
pub fn users() -> Vec<User> {
    let user = |name: &str, role, scope: &str| User {
        name: name.to_string(),
        role,
        scope: scope.to_string(),
    };
    vec![
        user(DEMO_ADMIN, Role::Admin, "64"),
        user(DEMO_USER, Role::Supervisor, "64"),
        user("li.na", Role::Operator, "6401"),
        user("wang.qiang", Role::Operator, "6402"),
        user("liu.yang", Role::Operator, "6403"),
        user("chen.jing", Role::Operator, "6404"),
        user("yang.fan", Role::Operator, "6405"),
        user("zhou.min", Role::Viewer, "64"),
    ]
}

/// The user the demo console opens as.
pub const DEMO_USER: &str = "zhao.lei";
/// The demo's admin, who added every demo user.
pub const DEMO_ADMIN: &str = "admin";

/// The operator who owns open cases of the city with this code prefix.
pub fn operator_for(county: &str) -> &'static str {
    match county.get(..4) {
        Some("6401") => "li.na",
        Some("6402") => "wang.qiang",
        Some("6403") => "liu.yang",
        Some("6404") => "chen.jing",
        _ => "yang.fan",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_fifty_leaders_at_every_level_and_unique_units() {
        let leaders = leaders();
        assert_eq!(leaders.len(), 53);
        for level in LeaderLevel::ALL {
            assert!(leaders.iter().any(|l| l.level == *level), "{level}");
        }
        let units = units();
        let ids: std::collections::HashSet<_> = units.iter().map(|u| u.id).collect();
        assert_eq!(ids.len(), units.len());
        assert_eq!(units.len(), 22 * 12 + 12);
        assert_eq!(
            units[county_unit_id(2, 1) as usize - 1].name,
            "金凤区住建局"
        );
        assert_eq!(units[province_unit_id(0) as usize - 1].name, "自治区信访局");
    }
}
