from hoso_shared.auth.clearance import ROLE_CLEARANCE, clearance_of, role_clearance
from hoso_shared.auth.dependencies import AnyPrincipal, authorize
from hoso_shared.auth.principal import Principal
from hoso_shared.auth.scopes import (
    CHANGE_PASSWORD,
    CREATE_ACCOUNTS,
    DELEGATED_SCOPES,
    ROLE_SCOPES,
    Role,
    scopes_for_roles,
)
from hoso_shared.auth.subtree import scoped_to_subtree, scoped_to_subtree_param, subtree_params
from hoso_shared.auth.tokens import TokenInvalid, TokenIssuer, TokenVerifier

__all__ = [
    "CHANGE_PASSWORD", "CREATE_ACCOUNTS", "DELEGATED_SCOPES", "ROLE_CLEARANCE", "ROLE_SCOPES", "AnyPrincipal",
    "Principal", "Role", "TokenInvalid", "TokenIssuer", "TokenVerifier", "authorize", "clearance_of", "role_clearance",
    "scoped_to_subtree", "scoped_to_subtree_param", "scopes_for_roles", "subtree_params",
]
