//! SageMaker's network condition keys and the actions that carry them, as data: the one table
//! that the policy engine checks guardrails against and the blueprint writes them from.
//!
//! Source: AWS Service Authorization Reference, "Actions, resources, and condition keys for
//! Amazon SageMaker AI" (docs.aws.amazon.com/service-authorization/latest/reference/
//! list_amazonsagemaker.html), the Condition keys column of the Actions table. A guardrail that
//! forgets one of these actions leaves a way to create the resource unguarded (EP504); an
//! action that does not carry the key never has it in the request, so a Deny keyed on its
//! presence never fires there and a Deny keyed on its absence always does.

/// `sagemaker:NetworkIsolation` (Bool): `EnableNetworkIsolation` of the request; absent when the
/// request omits it, and then the resource is created *without* isolation.
pub const NETWORK_ISOLATION: &str = "sagemaker:NetworkIsolation";
/// `sagemaker:VpcSubnets` (ArrayOfString): the subnets of the request's `VpcConfig`; absent when
/// there is no VpcConfig, and then the resource runs on SageMaker's managed network.
pub const VPC_SUBNETS: &str = "sagemaker:VpcSubnets";
/// `sagemaker:VpcSecurityGroupIds` (ArrayOfString): the security groups of the request's
/// `VpcConfig`. The Service Authorization Reference lists it for exactly the actions of
/// [`VPC_SUBNETS_ACTIONS`] (and `CreateUserProfile`, whose VPC is its domain's).
pub const VPC_SECURITY_GROUP_IDS: &str = "sagemaker:VpcSecurityGroupIds";
/// `sagemaker:InterContainerTrafficEncryption` (Bool): `EnableInterContainerTrafficEncryption`.
pub const INTER_CONTAINER_TRAFFIC_ENCRYPTION: &str = "sagemaker:InterContainerTrafficEncryption";
/// `sagemaker:DirectInternetAccess` (String, `Enabled`/`Disabled`); absent means `Enabled`.
pub const DIRECT_INTERNET_ACCESS: &str = "sagemaker:DirectInternetAccess";
/// `sagemaker:AppNetworkAccessType` (String, `PublicInternetOnly`/`VpcOnly`); absent means
/// `PublicInternetOnly`.
pub const APP_NETWORK_ACCESS_TYPE: &str = "sagemaker:AppNetworkAccessType";

/// Actions whose requests carry `sagemaker:NetworkIsolation`.
pub const NETWORK_ISOLATION_ACTIONS: &[&str] = &[
    "sagemaker:CreateDataQualityJobDefinition",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelBiasJobDefinition",
    "sagemaker:CreateModelExplainabilityJobDefinition",
    "sagemaker:CreateModelQualityJobDefinition",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
];

/// Actions whose requests carry `sagemaker:VpcSubnets`: the VPC-capable actions a guardrail can
/// pin to a VPC. `CreateCluster` (HyperPod) and `CreateJob` (model customization) carry it too;
/// actions that take a VPC without the key are [`VPC_CONFIG_WITHOUT_KEY_ACTIONS`].
pub const VPC_SUBNETS_ACTIONS: &[&str] = &[
    "sagemaker:CreateAutoMLJob",
    "sagemaker:CreateAutoMLJobV2",
    "sagemaker:CreateCluster",
    "sagemaker:CreateDataQualityJobDefinition",
    "sagemaker:CreateDomain",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelBiasJobDefinition",
    "sagemaker:CreateModelExplainabilityJobDefinition",
    "sagemaker:CreateModelQualityJobDefinition",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
];

/// The actions of [`VPC_SUBNETS_ACTIONS`] whose resource runs on SageMaker's managed network
/// when the request has no subnets. `CreateDomain` always carries subnets (`SubnetIds` is
/// required); whether a domain uses them is `sagemaker:AppNetworkAccessType`'s question.
pub const VPC_OPTIONAL_ACTIONS: &[&str] = &[
    "sagemaker:CreateAutoMLJob",
    "sagemaker:CreateAutoMLJobV2",
    "sagemaker:CreateCluster",
    "sagemaker:CreateDataQualityJobDefinition",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelBiasJobDefinition",
    "sagemaker:CreateModelExplainabilityJobDefinition",
    "sagemaker:CreateModelQualityJobDefinition",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
];

/// Actions that take a VPC configuration but whose requests carry neither VPC key (the Service
/// Authorization Reference gives them only the tag keys): no condition can pin them to a VPC, so
/// a guardrail that must fail closed denies them outright.
pub const VPC_CONFIG_WITHOUT_KEY_ACTIONS: &[&str] = &[
    "sagemaker:CreateCompilationJob",
    "sagemaker:CreateInferenceRecommendationsJob",
    "sagemaker:CreateOptimizationJob",
];

/// Actions whose requests carry `sagemaker:InterContainerTrafficEncryption`.
pub const INTER_CONTAINER_TRAFFIC_ENCRYPTION_ACTIONS: &[&str] = &[
    "sagemaker:CreateAutoMLJob",
    "sagemaker:CreateAutoMLJobV2",
    "sagemaker:CreateDataQualityJobDefinition",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModelBiasJobDefinition",
    "sagemaker:CreateModelExplainabilityJobDefinition",
    "sagemaker:CreateModelQualityJobDefinition",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
];

/// Actions whose requests carry `sagemaker:DirectInternetAccess`.
pub const DIRECT_INTERNET_ACCESS_ACTIONS: &[&str] = &["sagemaker:CreateNotebookInstance"];

/// Actions whose requests carry `sagemaker:AppNetworkAccessType`.
pub const APP_NETWORK_ACCESS_TYPE_ACTIONS: &[&str] =
    &["sagemaker:CreateDomain", "sagemaker:UpdateDomain"];

/// The guardrails a sealed organization needs, one per condition key. Rules ask for a
/// requirement by this name ([`Requirement::for_key`]), never by its place in [`REQUIREMENTS`],
/// so reordering or extending the table cannot make a rule check the wrong key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GuardrailKey {
    /// Jobs and models are created network-isolated (`sagemaker:NetworkIsolation`).
    NetworkIsolation,
    /// VPC-capable resources are created in a VPC (`sagemaker:VpcSubnets`).
    VpcSubnets,
    /// Notebooks are created without direct internet access (`sagemaker:DirectInternetAccess`).
    DirectInternetAccess,
    /// Studio domains are created VPC-only (`sagemaker:AppNetworkAccessType`).
    AppNetworkAccessType,
}

/// A guardrail requirement: the key, its actions, and the request values that open a channel
/// (`None` is the key absent from the request, with AWS's open default).
pub struct Requirement {
    /// Which guardrail this is.
    pub guardrail: GuardrailKey,
    pub key: &'static str,
    pub actions: &'static [&'static str],
    pub violating: &'static [Option<&'static str>],
    /// What a correct guardrail denies, in words.
    pub wanted: &'static str,
}

impl Requirement {
    /// The requirement of one guardrail.
    pub const fn for_key(guardrail: GuardrailKey) -> &'static Requirement {
        match guardrail {
            GuardrailKey::NetworkIsolation => &NETWORK_ISOLATION_REQUIREMENT,
            GuardrailKey::VpcSubnets => &VPC_SUBNETS_REQUIREMENT,
            GuardrailKey::DirectInternetAccess => &DIRECT_INTERNET_ACCESS_REQUIREMENT,
            GuardrailKey::AppNetworkAccessType => &APP_NETWORK_ACCESS_TYPE_REQUIREMENT,
        }
    }
}

const NETWORK_ISOLATION_REQUIREMENT: Requirement = Requirement {
    guardrail: GuardrailKey::NetworkIsolation,
    key: NETWORK_ISOLATION,
    actions: NETWORK_ISOLATION_ACTIONS,
    violating: &[None, Some("false")],
    wanted: "deny creating jobs and models unless sagemaker:NetworkIsolation is true",
};

const VPC_SUBNETS_REQUIREMENT: Requirement = Requirement {
    guardrail: GuardrailKey::VpcSubnets,
    key: VPC_SUBNETS,
    actions: VPC_OPTIONAL_ACTIONS,
    violating: &[None],
    wanted: "deny creating VPC-capable resources when sagemaker:VpcSubnets is absent",
};

const DIRECT_INTERNET_ACCESS_REQUIREMENT: Requirement = Requirement {
    guardrail: GuardrailKey::DirectInternetAccess,
    key: DIRECT_INTERNET_ACCESS,
    actions: DIRECT_INTERNET_ACCESS_ACTIONS,
    violating: &[None, Some("Enabled")],
    wanted: "deny notebooks unless sagemaker:DirectInternetAccess is Disabled",
};

const APP_NETWORK_ACCESS_TYPE_REQUIREMENT: Requirement = Requirement {
    guardrail: GuardrailKey::AppNetworkAccessType,
    key: APP_NETWORK_ACCESS_TYPE,
    actions: APP_NETWORK_ACCESS_TYPE_ACTIONS,
    violating: &[None, Some("PublicInternetOnly")],
    wanted: "deny domains unless sagemaker:AppNetworkAccessType is VpcOnly",
};

/// Every requirement, in the order reports list them.
pub const REQUIREMENTS: &[Requirement] = &[
    NETWORK_ISOLATION_REQUIREMENT,
    VPC_SUBNETS_REQUIREMENT,
    DIRECT_INTERNET_ACCESS_REQUIREMENT,
    APP_NETWORK_ACCESS_TYPE_REQUIREMENT,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_unique(list: &[&str]) -> bool {
        list.windows(2).all(|w| w[0] < w[1])
    }

    #[test]
    fn tables_are_sorted_sets_of_sagemaker_actions() {
        for list in [
            NETWORK_ISOLATION_ACTIONS,
            VPC_SUBNETS_ACTIONS,
            VPC_OPTIONAL_ACTIONS,
            VPC_CONFIG_WITHOUT_KEY_ACTIONS,
            INTER_CONTAINER_TRAFFIC_ENCRYPTION_ACTIONS,
            DIRECT_INTERNET_ACCESS_ACTIONS,
            APP_NETWORK_ACCESS_TYPE_ACTIONS,
        ] {
            assert!(sorted_unique(list), "{list:?}");
            assert!(list.iter().all(|a| a.starts_with("sagemaker:")), "{list:?}");
        }
    }

    #[test]
    fn vpc_optional_actions_carry_the_subnets_key_and_domains_are_not_optional() {
        assert!(VPC_OPTIONAL_ACTIONS
            .iter()
            .all(|a| VPC_SUBNETS_ACTIONS.contains(a)));
        assert!(!VPC_OPTIONAL_ACTIONS.contains(&"sagemaker:CreateDomain"));
        // An action without the key can never be pinned by it: the lists do not meet.
        assert!(VPC_CONFIG_WITHOUT_KEY_ACTIONS
            .iter()
            .all(|a| !VPC_SUBNETS_ACTIONS.contains(a)));
    }

    #[test]
    fn each_guardrail_is_found_by_its_name_and_listed_once() {
        for (guardrail, key) in [
            (GuardrailKey::NetworkIsolation, NETWORK_ISOLATION),
            (GuardrailKey::VpcSubnets, VPC_SUBNETS),
            (GuardrailKey::DirectInternetAccess, DIRECT_INTERNET_ACCESS),
            (GuardrailKey::AppNetworkAccessType, APP_NETWORK_ACCESS_TYPE),
        ] {
            let req = Requirement::for_key(guardrail);
            assert_eq!(req.guardrail, guardrail);
            assert_eq!(req.key, key);
            let listed = REQUIREMENTS.iter().filter(|r| r.guardrail == guardrail);
            assert_eq!(listed.count(), 1, "{guardrail:?}");
        }
        assert_eq!(REQUIREMENTS.len(), 4);
    }

    #[test]
    fn every_job_that_can_be_isolated_is_vpc_capable() {
        for a in NETWORK_ISOLATION_ACTIONS {
            assert!(VPC_OPTIONAL_ACTIONS.contains(a), "{a}");
        }
    }
}
