//! The standardised breakdowns: fixed health-category splits that HRCS prescribes for general
//! studies of a risk factor when no specific disease is named (reference §1.8).

use super::HealthCategory;

/// A risk-factor topic with a standardised breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    Alcohol,
    Smoking,
    Diet,
    PhysicalActivity,
    AirPollution,
    Radiation,
}

impl Topic {
    pub const ALL: [Topic; 6] = [
        Topic::Alcohol,
        Topic::Smoking,
        Topic::Diet,
        Topic::PhysicalActivity,
        Topic::AirPollution,
        Topic::Radiation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Topic::Alcohol => "alcohol",
            Topic::Smoking => "smoking",
            Topic::Diet => "diet",
            Topic::PhysicalActivity => "physical_activity",
            Topic::AirPollution => "air_pollution",
            Topic::Radiation => "radiation",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        Self::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The categories of the breakdown, by short name. Every breakdown is an equal split over
    /// these (25 x 4, 20 x 5, 50/50, thirds).
    pub fn categories(self) -> Vec<HealthCategory> {
        let names: &[&str] = match self {
            Topic::Alcohol => &["Cancer", "Cardio", "Oral", "Stroke"],
            Topic::Smoking => &["Cancer", "Cardio", "Respiratory", "Stroke"],
            // Diet, obesity and nutrition; physical activity shares the diet breakdown.
            Topic::Diet | Topic::PhysicalActivity => {
                &["Cancer", "Cardio", "Metabolic", "Oral", "Stroke"]
            }
            Topic::AirPollution => &["Respiratory", "Generic"],
            Topic::Radiation => &["Cancer", "Congenital", "Generic"],
        };
        names
            .iter()
            .map(|n| HealthCategory::parse(n).expect("breakdown names are HRCS short names"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdowns_match_the_reference() {
        let names = |t: Topic| -> Vec<&str> { t.categories().iter().map(|c| c.short()).collect() };
        assert_eq!(
            names(Topic::Smoking),
            ["Cancer", "Cardio", "Respiratory", "Stroke"]
        );
        assert_eq!(
            names(Topic::Alcohol),
            ["Cancer", "Cardio", "Oral", "Stroke"]
        );
        assert_eq!(names(Topic::Diet).len(), 5);
        assert_eq!(
            Topic::PhysicalActivity.categories(),
            Topic::Diet.categories()
        );
        assert_eq!(names(Topic::AirPollution), ["Respiratory", "Generic"]);
        assert_eq!(names(Topic::Radiation), ["Cancer", "Congenital", "Generic"]);
        assert_eq!(
            Topic::parse("physical_activity"),
            Some(Topic::PhysicalActivity)
        );
    }
}
