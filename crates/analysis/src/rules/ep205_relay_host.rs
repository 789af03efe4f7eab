use crate::net::{describe, kind_word, Space};
use crate::rules::util::finding;
use crate::{Context, Sink};
use egressproof_model::Kind;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Flags a workload that can reach, on any port, an EC2 instance or network interface in
    /// its VPC that itself reaches the internet: the workload's security groups let the traffic
    /// out, the host's security groups let it in, and the network ACLs of both subnets allow
    /// it; the host has a public address (asked for, mapped by its subnet, or an Elastic IP) in
    /// a subnet routed to an internet gateway, or sits in a subnet routed to a NAT gateway. The
    /// path reads workload -> security group -> host -> its route -> internet. A host that a
    /// route of the workload's own table points at is a NAT instance on the workload's path,
    /// reported as EP201 instead.
    ///
    /// ## Why is this bad?
    /// The workload's own routes may lead nowhere, yet a forward proxy, a bastion or a NAT
    /// instance that no route names carries whatever is sent to it: `curl -x proxy:3128`, an
    /// SSH tunnel or a SOCKS proxy turns any host with a way out into the workload's way out.
    /// Whether such software runs cannot be told from the configuration; that the network lets
    /// it carry the data can.
    ///
    /// ## Example
    /// ```yaml
    /// ProxySecurityGroup:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: forward proxy
    ///     VpcId: !Ref Vpc
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: 3128
    ///         ToPort: 3128
    ///         SourceSecurityGroupId: !Ref WorkloadSecurityGroup
    /// Proxy:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     ImageId: ami-0123456789abcdef0
    ///     InstanceType: t3.micro
    ///     NetworkInterfaces:
    ///       - DeviceIndex: '0'
    ///         SubnetId: !Ref PublicSubnet
    ///         GroupSet: [!Ref ProxySecurityGroup]
    ///         AssociatePublicIpAddress: true
    /// ```
    /// ```hcl
    /// resource "aws_instance" "proxy" {
    ///   ami                         = "ami-0123456789abcdef0"
    ///   instance_type               = "t3.micro"
    ///   subnet_id                   = aws_subnet.public.id
    ///   vpc_security_group_ids      = [aws_security_group.proxy.id]
    ///   associate_public_ip_address = true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep hosts that reach the internet out of the workloads' reach: restrict the workloads'
    /// security group egress to the VPC endpoints they need (by security group, not the VPC's
    /// CIDR), admit nothing from the workloads on the host's security groups, or move the host
    /// to a VPC the workloads do not share. If a proxy is the designed way out, it is egress:
    /// give it a domain allow-list and suppress this finding with the reason.
    code: RelayHost,
    name: "relay-host",
    severity: Medium,
    summary: "Workload can reach a host in its VPC that reaches the internet",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let reach = ctx.net();
    sink.unknowns.extend(reach.relay_unknowns.iter().cloned());
    // One finding per workload, host and way out, the addresses of every subnet merged.
    let mut at: HashMap<(&str, &str, &[String]), usize> = HashMap::new();
    let mut grouped: Vec<(usize, Space)> = Vec::new();
    for (i, r) in reach.relays.iter().enumerate() {
        let key = (r.subject.id.as_str(), r.host.id.as_str(), r.via.as_slice());
        match at.get(&key) {
            Some(&g) => grouped[g].1 = grouped[g].1.union(&r.space),
            None => {
                at.insert(key, grouped.len());
                grouped.push((i, r.space.clone()));
            }
        }
    }
    for (i, space) in grouped {
        let r = &reach.relays[i];
        let who = if r.workload {
            format!("{} {}", kind_word(&r.subject.type_name), r.subject.name)
        } else {
            format!(
                "A workload placed in subnet {} (with the VPC's default security group)",
                r.subnet.name
            )
        };
        let host_word = match r.host.kind {
            Kind::NetworkInterface(_) => "network interface",
            _ => "instance",
        };
        let host = format!("{host_word} {}", r.host.name);
        let message = format!(
            "{who} can send data to {} through {host}: its security groups and the network ACLs let it reach {}, whose traffic to {} leaves through {}.",
            describe(&r.kind),
            r.host.name,
            space.describe(),
            r.via.join(" -> "),
        );
        sink.findings
            .push(finding(&RULE, r.subject, message, r.path.clone()));
    }
}
