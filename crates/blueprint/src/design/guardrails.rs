//! The guardrails: deny statements on SageMaker's network condition keys, for the organization
//! (`guardrails/scp.json`, which also restricts presigned URLs for every principal) and for this
//! environment's roles (where they also pin workloads to its
//! subnets). Which actions carry which key is the aws layer's table, the one the policy engine
//! checks guardrails against (EP501-EP504), so what is written here and what is checked cannot
//! disagree.

use super::documents::{
    cond, deny, policy, presigned_url_restriction, writes_stay_with, Statement,
};
use super::Names;
use crate::expr::{list, rf, s, E};
use crate::options::Checked;
use egressproof_aws::sagemaker_keys::{
    APP_NETWORK_ACCESS_TYPE, DIRECT_INTERNET_ACCESS, DIRECT_INTERNET_ACCESS_ACTIONS,
    INTER_CONTAINER_TRAFFIC_ENCRYPTION, INTER_CONTAINER_TRAFFIC_ENCRYPTION_ACTIONS,
    NETWORK_ISOLATION, NETWORK_ISOLATION_ACTIONS, VPC_CONFIG_WITHOUT_KEY_ACTIONS,
    VPC_SECURITY_GROUP_IDS, VPC_SUBNETS, VPC_SUBNETS_ACTIONS,
};

/// The actions the VPC statements name: every action that sends the subnets (and, the
/// Service Authorization Reference says, the security groups), and those that take a VPC but
/// send neither key, which the `Null` statements therefore deny outright. Sorted, so the policy
/// reads as a list.
fn vpc_actions() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = VPC_SUBNETS_ACTIONS
        .iter()
        .chain(VPC_CONFIG_WITHOUT_KEY_ACTIONS)
        .copied()
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A guardrail: deny these actions, on anything, when the condition holds.
fn denied(sid: &'static str, actions: &[&str], condition: E) -> Statement {
    deny(sid).actions(actions).anything().condition(condition)
}

/// The guardrail statements, written fail-closed: a request that omits the condition key is
/// denied (`...IfExists` on the negative test, `Null` for presence), because an omitted
/// `EnableNetworkIsolation`, `VpcConfig`, `DirectInternetAccess` or `AppNetworkAccessType`
/// means the open default.
fn guardrail_statements(n: Option<&Names>) -> Vec<Statement> {
    let vpc = vpc_actions();
    let mut v = vec![
        denied(
            "DenyJobsAndModelsWithoutNetworkIsolation",
            NETWORK_ISOLATION_ACTIONS,
            cond("BoolIfExists", NETWORK_ISOLATION, s("false")),
        ),
        denied(
            "DenyWithoutVpcSubnets",
            &vpc,
            cond("Null", VPC_SUBNETS, s("true")),
        ),
        denied(
            "DenyWithoutVpcSecurityGroups",
            &vpc,
            cond("Null", VPC_SECURITY_GROUP_IDS, s("true")),
        ),
    ];
    if let Some(n) = n {
        // inside the template the subnets are known: pin workloads to them
        v.push(denied(
            "DenySubnetsOutsideThisEnvironment",
            &vpc,
            cond(
                "ForAnyValue:StringNotEquals",
                VPC_SUBNETS,
                list(n.subnets.iter().map(rf).collect()),
            ),
        ));
    }
    v.extend([
        denied(
            "DenyNotebooksWithDirectInternetAccess",
            DIRECT_INTERNET_ACCESS_ACTIONS,
            cond(
                "StringNotEqualsIfExists",
                DIRECT_INTERNET_ACCESS,
                s("Disabled"),
            ),
        ),
        denied(
            "DenyNotebooksWithRootAccess",
            &["sagemaker:CreateNotebookInstance"],
            cond(
                "StringNotEqualsIfExists",
                "sagemaker:RootAccess",
                s("Disabled"),
            ),
        ),
        // On an update an absent key would mean "unchanged", but a guardrail cannot see the
        // current value: require every update to restate the closed setting.
        denied(
            "DenyUpdatesThatDoNotKeepRootAccessDisabled",
            &["sagemaker:UpdateNotebookInstance"],
            cond(
                "StringNotEqualsIfExists",
                "sagemaker:RootAccess",
                s("Disabled"),
            ),
        ),
        denied(
            "DenyDomainsNotVpcOnly",
            &["sagemaker:CreateDomain"],
            cond(
                "StringNotEqualsIfExists",
                APP_NETWORK_ACCESS_TYPE,
                s("VpcOnly"),
            ),
        ),
        denied(
            "DenyDomainUpdatesThatDoNotKeepVpcOnly",
            &["sagemaker:UpdateDomain"],
            cond(
                "StringNotEqualsIfExists",
                APP_NETWORK_ACCESS_TYPE,
                s("VpcOnly"),
            ),
        ),
        denied(
            "DenyUnencryptedInterContainerTraffic",
            INTER_CONTAINER_TRAFFIC_ENCRYPTION_ACTIONS,
            cond(
                "BoolIfExists",
                INTER_CONTAINER_TRAFFIC_ENCRYPTION,
                s("false"),
            ),
        ),
    ]);
    v
}

/// The guardrails as one policy document: `Some(names)` inside the environment (pinned to its
/// subnets), `None` for the organization-wide SCP.
pub fn guardrail_policy(n: Option<&Names>) -> E {
    policy(guardrail_statements(n))
}

/// The organization's service control policy (`guardrails/scp.json`): the guardrails, the
/// presigned-URL restriction for every principal of the account, and the Deny that keeps
/// data-carrying writes in the organization (or, without one, in the caller's own account:
/// `${aws:PrincipalAccount}`, as one SCP serves every account). A role's own Deny restricts
/// that role only; people with administrator access and the roles of other stacks, and any
/// execution role created later, are held by the SCP or by nothing (EP401, EP306).
pub fn organization_policy(o: &Checked) -> E {
    let mut statements = guardrail_statements(None);
    statements.push(presigned_url_restriction(o));
    statements.push(match &o.org_id {
        Some(org) => writes_stay_with("aws:ResourceOrgID", s(org)),
        None => writes_stay_with("aws:ResourceAccount", s("${aws:PrincipalAccount}")),
    });
    policy(statements)
}
