# Assignments Intune refuses, caught by `terraform validate` before anything is sent.

resource "intune_ios_derived_credential_profile" "bad" {
  display_name          = "Bad assignments"
  derived_credential_id = "not/an-id"

  assignment {
    target   = "group"
    group_id = "pilot-group"
  }

  assignment {
    target      = "exclusion_group"
    group_id    = "33333333-3333-4333-8333-333333333333"
    filter_id   = "44444444-4444-4444-8444-444444444444"
    filter_type = "include"
  }

  assignment {
    target   = "all_devices"
    group_id = "33333333-3333-4333-8333-333333333333"
  }
}
