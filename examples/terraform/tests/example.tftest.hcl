# `terraform test`: applies the module against the provider's target (the local Graph emulator in
# this project's test suite), asserts on the id Graph assigned, then destroys what it created.

variables {
  display_name = "terraform test: derived credentials"
  issuer       = "xTec"
}

run "plan_validates_input" {
  command = plan

  assert {
    condition     = intune_derived_credential.example.issuer == "xTec"
    error_message = "the issuer variable reaches the resource"
  }
}

run "apply_assigns_an_id" {
  command = apply

  assert {
    condition     = length(intune_derived_credential.example.id) > 0
    error_message = "Graph assigned no id"
  }

  assert {
    condition     = output.id == intune_derived_credential.example.id
    error_message = "the id output is the resource's id"
  }

  assert {
    condition     = data.intune_derived_credential.example.display_name == var.display_name
    error_message = "the data source reads the object back by id"
  }

  assert {
    condition     = contains(data.intune_derived_credentials.same_issuer.ids, intune_derived_credential.example.id)
    error_message = "the issuer listing contains the new object"
  }
}

run "bad_issuer_is_refused" {
  command = plan

  variables {
    issuer = "acme"
  }

  expect_failures = [var.issuer]
}
