"""Where Terraform finds this provider. Shared by the construct (which writes `required_providers`)
and the provider's installer (which writes the mirror), so neither imports the other."""

PROVIDER_HOSTNAME = "terraform.local"
PROVIDER_NAMESPACE = "intune"
PROVIDER_TYPE = "intune"
PROVIDER_SOURCE = f"{PROVIDER_HOSTNAME}/{PROVIDER_NAMESPACE}/{PROVIDER_TYPE}"
PROVIDER_VERSION = "0.1.0"
RESOURCE_TYPE = f"{PROVIDER_TYPE}_derived_credential"

# Environment variables the provider reads (azure-identity's own names where one exists).
ENV_TENANT_ID = "AZURE_TENANT_ID"
ENV_CLIENT_ID = "AZURE_CLIENT_ID"
ENV_CLIENT_SECRET = "AZURE_CLIENT_SECRET"
ENV_AUTHORITY_HOST = "AZURE_AUTHORITY_HOST"
ENV_GRAPH_ENDPOINT = "INTUNE_GRAPH_ENDPOINT"
DEFAULT_GRAPH_ENDPOINT = "https://graph.microsoft.com"
DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
