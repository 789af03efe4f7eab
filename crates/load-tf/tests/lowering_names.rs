//! Regression: a reference by the name the API knows a resource by must connect to it.

use egressproof_load_tf::load_str;
use egressproof_model::{Attr, Kind};

#[test]
fn endpoint_configuration_reaches_its_model_through_the_model_name() {
    let model = load_str(
        r#"
resource "aws_sagemaker_model" "main" {
  name                     = "scoring"
  execution_role_arn       = "arn:aws:iam::111122223333:role/x"
  enable_network_isolation = true
  primary_container { image = "img" }
}

resource "aws_sagemaker_endpoint_configuration" "main" {
  name = "scoring"
  production_variants {
    variant_name           = "main"
    model_name             = aws_sagemaker_model.main.name
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }
}
"#,
        "infra",
    );
    let model_id = model
        .resources
        .iter()
        .find(|r| matches!(r.kind, Kind::Model(_)))
        .map(|r| r.id.clone())
        .expect("a model");
    let config = model
        .resources
        .iter()
        .find_map(|r| match &r.kind {
            Kind::EndpointConfig(c) => Some(c),
            _ => None,
        })
        .expect("an endpoint configuration");
    assert_eq!(config.models, vec![Attr::Known(model_id)]);
}
