# `terraform test` of this module against the emulator: apply, check what Graph holds, destroy.

run "assigned_profile_uses_the_setting" {
  command = apply

  assert {
    condition     = intune_ios_derived_credential_profile.this.derived_credential_id == intune_derived_credential.this.id
    error_message = "the profile must point at the setting"
  }

  assert {
    condition     = length(data.intune_ios_derived_credential_profile.read_back.assignment) == 3
    error_message = "two included groups and one exclusion are assigned"
  }

  assert {
    condition     = intune_ios_derived_credential_profile.this.version >= 1
    error_message = "Graph keeps a version"
  }
}
