//! Members named in the OGP Explorer file, which carries country names only.

use app::domain::Region;

/// (name in the Explorer file, member code, official name, region, commitment-ID prefix).
const EXPLORER_MEMBERS: &[(&str, &str, &str, Region, &str)] = &[
    ("Albania", "ALB", "Albania", Region::Europe, "AL"),
    ("Argentina", "ARG", "Argentina", Region::Americas, "AR"),
    ("Armenia", "ARM", "Armenia", Region::AsiaPacific, "AM"),
    ("Azerbaijan", "AZE", "Azerbaijan", Region::AsiaPacific, "AZ"),
    ("Brazil", "BRA", "Brazil", Region::Americas, "BR"),
    ("Bulgaria", "BGR", "Bulgaria", Region::Europe, "BG"),
    ("Canada", "CAN", "Canada", Region::Americas, "CA"),
    ("Chile", "CHL", "Chile", Region::Americas, "CL"),
    ("Colombia", "COL", "Colombia", Region::Americas, "CO"),
    ("Costa Rica", "CRI", "Costa Rica", Region::Americas, "CR"),
    ("Croatia", "HRV", "Croatia", Region::Europe, "HR"),
    (
        "Czech Republic",
        "CZE",
        "Czech Republic",
        Region::Europe,
        "CZ",
    ),
    ("Denmark", "DNK", "Denmark", Region::Europe, "DK"),
    (
        "Dominican Republic",
        "DOM",
        "Dominican Republic",
        Region::Americas,
        "DO",
    ),
    ("El Salvador", "SLV", "El Salvador", Region::Americas, "SV"),
    ("Estonia", "EST", "Estonia", Region::Europe, "EE"),
    ("Finland", "FIN", "Finland", Region::Europe, "FI"),
    ("Georgia", "GEO", "Georgia", Region::AsiaPacific, "GE"),
    ("Ghana", "GHA", "Ghana", Region::Africa, "GH"),
    ("Greece", "GRC", "Greece", Region::Europe, "GR"),
    ("Guatemala", "GTM", "Guatemala", Region::Americas, "GT"),
    ("Honduras", "HND", "Honduras", Region::Americas, "HN"),
    ("Hungary", "HUN", "Hungary", Region::Europe, "HU"),
    ("Indonesia", "IDN", "Indonesia", Region::AsiaPacific, "ID"),
    ("Ireland", "IRL", "Ireland", Region::Europe, "IE"),
    ("Israel", "ISR", "Israel", Region::Europe, "IL"),
    ("Italy", "ITA", "Italy", Region::Europe, "IT"),
    ("Jordan", "JOR", "Jordan", Region::Africa, "JO"),
    ("Kenya", "KEN", "Kenya", Region::Africa, "KE"),
    ("Latvia", "LVA", "Latvia", Region::Europe, "LV"),
    ("Liberia", "LBR", "Liberia", Region::Africa, "LR"),
    ("Lithuania", "LTU", "Lithuania", Region::Europe, "LT"),
    ("Macedonia", "MKD", "North Macedonia", Region::Europe, "MK"),
    ("Malta", "MLT", "Malta", Region::Europe, "MT"),
    ("Mexico", "MEX", "Mexico", Region::Americas, "MX"),
    ("Moldova", "MDA", "Moldova", Region::Europe, "MD"),
    ("Mongolia", "MNG", "Mongolia", Region::AsiaPacific, "MN"),
    ("Montenegro", "MNE", "Montenegro", Region::Europe, "ME"),
    ("Netherlands", "NLD", "Netherlands", Region::Europe, "NL"),
    (
        "New Zealand",
        "NZL",
        "New Zealand",
        Region::AsiaPacific,
        "NZ",
    ),
    ("Norway", "NOR", "Norway", Region::Europe, "NO"),
    ("Panama", "PAN", "Panama", Region::Americas, "PA"),
    ("Paraguay", "PRY", "Paraguay", Region::Americas, "PY"),
    ("Peru", "PER", "Peru", Region::Americas, "PE"),
    (
        "Philippines",
        "PHL",
        "Philippines",
        Region::AsiaPacific,
        "PH",
    ),
    ("Romania", "ROU", "Romania", Region::Europe, "RO"),
    ("Serbia", "SRB", "Serbia", Region::Europe, "RS"),
    ("Sierra Leone", "SLE", "Sierra Leone", Region::Africa, "SL"),
    ("Slovakia", "SVK", "Slovak Republic", Region::Europe, "SK"),
    ("South Africa", "ZAF", "South Africa", Region::Africa, "ZA"),
    (
        "South Korea",
        "KOR",
        "Republic of Korea",
        Region::AsiaPacific,
        "KR",
    ),
    ("Spain", "ESP", "Spain", Region::Europe, "ES"),
    ("Sweden", "SWE", "Sweden", Region::Europe, "SE"),
    ("Tanzania", "TZA", "Tanzania", Region::Africa, "TZ"),
    (
        "Trinidad and Tobago",
        "TTO",
        "Trinidad and Tobago",
        Region::Americas,
        "TT",
    ),
    ("Tunisia", "TUN", "Tunisia", Region::Africa, "TN"),
    ("Turkey", "TUR", "Turkey", Region::Europe, "TR"),
    ("UK", "GBR", "United Kingdom", Region::Europe, "UK"),
    ("USA", "USA", "United States", Region::Americas, "US"),
    ("Ukraine", "UKR", "Ukraine", Region::Europe, "UA"),
    ("Uruguay", "URY", "Uruguay", Region::Americas, "UY"),
];

pub struct KnownMember {
    pub code: &'static str,
    pub name: &'static str,
    pub region: Region,
    pub prefix: &'static str,
}

/// The member an Explorer country name stands for, if known.
pub fn explorer_member(name: &str) -> Option<KnownMember> {
    EXPLORER_MEMBERS
        .iter()
        .find(|(explorer_name, ..)| explorer_name.eq_ignore_ascii_case(name.trim()))
        .map(|(_, code, name, region, prefix)| KnownMember {
            code,
            name,
            region: *region,
            prefix,
        })
}
