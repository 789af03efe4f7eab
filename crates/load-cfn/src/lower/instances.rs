//! Compute outside SageMaker: EC2 instances and network interfaces.

use super::*;

/// Lowers the instance family.
pub(super) fn lower(cx: &Cx<'_>, p: &Value, _extra: &mut Vec<Resource>) -> Option<Kind> {
    Some(match cx.type_name {
        "AWS::EC2::NetworkInterface" => Kind::NetworkInterface(NetworkInterface {
            subnet: req_ident(cx, p, "SubnetId"),
            security_groups: list_idents(cx, p, "GroupSet"),
        }),
        "AWS::EC2::Instance" => {
            let primary = items(get(p, "NetworkInterfaces")).into_iter().find(|n| {
                get(n, "DeviceIndex")
                    .and_then(literal_string)
                    .is_some_and(|d| d == "0")
            });
            let subnet = opt_ident(cx, p, "SubnetId")
                .or_else(|| primary.and_then(|n| opt_ident(cx, n, "SubnetId")));
            let security_groups = opt_idents(cx, p, "SecurityGroupIds")
                .or_else(|| opt_idents(cx, p, "SecurityGroups"))
                .or_else(|| primary.and_then(|n| opt_idents(cx, n, "GroupSet")))
                .unwrap_or(Attr::Known(Vec::new()));
            // A public address is asked for on the primary interface; without one the
            // subnet's MapPublicIpOnLaunch decides.
            let public_ip = primary.and_then(|n| opt_bool(cx, n, "AssociatePublicIpAddress"));
            Kind::Instance(Instance {
                subnet,
                security_groups,
                public_ip,
            })
        }
        _ => return None,
    })
}
