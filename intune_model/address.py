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
ENV_CLIENT_CERTIFICATE_PATH = "AZURE_CLIENT_CERTIFICATE_PATH"
ENV_CLIENT_CERTIFICATE_PASSWORD = "AZURE_CLIENT_CERTIFICATE_PASSWORD"
ENV_FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE"
# GitHub Actions sets these in a job with `permissions: id-token: write`.
ENV_ACTIONS_ID_TOKEN_REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL"
ENV_ACTIONS_ID_TOKEN_REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
# This provider's own switches (no azure-identity name exists for them).
ENV_CLOUD = "INTUNE_CLOUD"
ENV_USE_OIDC = "INTUNE_USE_OIDC"
ENV_USE_CLI = "INTUNE_USE_CLI"
ENV_USE_MSI = "INTUNE_USE_MSI"
FEDERATED_TOKEN_AUDIENCE = "api://AzureADTokenExchange"
