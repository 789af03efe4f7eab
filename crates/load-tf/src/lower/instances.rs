//! Compute outside SageMaker: EC2 instances and network interfaces.

use super::{Ctx, Link};
use egressproof_model::*;

/// Lowers the instance family.
pub(super) fn lower(c: &Ctx, out: &mut Vec<Resource>, _links: &mut Vec<Link>) -> bool {
    let a = c.args;
    let t = c.type_name.as_str();
    match t {
        "aws_network_interface" => out.push(c.res(Kind::NetworkInterface(NetworkInterface {
            subnet: c.req_ident(a, "subnet_id"),
            security_groups: c.idents_or_empty(a, "security_groups"),
        }))),
        "aws_instance" => {
            let sgs = match (
                c.opt_idents(a, "vpc_security_group_ids"),
                c.opt_idents(a, "security_groups"),
            ) {
                (Some(Attr::Known(mut x)), Some(Attr::Known(y))) => {
                    x.extend(y);
                    Attr::Known(x)
                }
                (Some(x), None) | (None, Some(x)) => x,
                (Some(Attr::Unknown(u)), _) | (_, Some(Attr::Unknown(u))) => Attr::Unknown(u),
                (None, None) => Attr::Known(Vec::new()),
            };
            out.push(c.res(Kind::Instance(Instance {
                subnet: c.opt_ident(a, "subnet_id"),
                security_groups: sgs,
                // Unset: the subnet's map_public_ip_on_launch decides.
                public_ip: c.opt_bool(a, "associate_public_ip_address"),
            })));
        }
        _ => return false,
    }
    true
}
