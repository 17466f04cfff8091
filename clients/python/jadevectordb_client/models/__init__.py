"""Contains all the data models used in inputs/outputs"""

from .count_vectors_body import CountVectorsBody
from .count_vectors_body_consistency_type_0 import CountVectorsBodyConsistencyType0
from .count_vectors_body_consistency_type_1 import CountVectorsBodyConsistencyType1
from .count_vectors_body_filter import CountVectorsBodyFilter
from .count_vectors_response_200 import CountVectorsResponse200
from .count_vectors_response_400 import CountVectorsResponse400
from .count_vectors_response_404 import CountVectorsResponse404
from .count_vectors_response_409 import CountVectorsResponse409
from .count_vectors_response_413 import CountVectorsResponse413
from .count_vectors_response_503 import CountVectorsResponse503
from .count_vectors_response_504 import CountVectorsResponse504
from .create_api_key_body import CreateApiKeyBody
from .create_api_key_body_databases_type_0 import CreateApiKeyBodyDatabasesType0
from .create_api_key_body_roles_item import CreateApiKeyBodyRolesItem
from .create_api_key_response_201 import CreateApiKeyResponse201
from .create_api_key_response_400 import CreateApiKeyResponse400
from .create_api_key_response_401 import CreateApiKeyResponse401
from .create_api_key_response_403 import CreateApiKeyResponse403
from .create_api_key_response_404 import CreateApiKeyResponse404
from .create_api_key_response_503 import CreateApiKeyResponse503
from .create_database_body import CreateDatabaseBody
from .create_database_body_index import CreateDatabaseBodyIndex
from .create_database_body_metric import CreateDatabaseBodyMetric
from .create_database_response_201 import CreateDatabaseResponse201
from .create_database_response_201_index import CreateDatabaseResponse201Index
from .create_database_response_201_metric import CreateDatabaseResponse201Metric
from .create_database_response_400 import CreateDatabaseResponse400
from .create_database_response_404 import CreateDatabaseResponse404
from .create_database_response_409 import CreateDatabaseResponse409
from .create_database_response_503 import CreateDatabaseResponse503
from .delete_vector_response_200 import DeleteVectorResponse200
from .delete_vector_response_400 import DeleteVectorResponse400
from .delete_vector_response_404 import DeleteVectorResponse404
from .delete_vector_response_409 import DeleteVectorResponse409
from .delete_vector_response_413 import DeleteVectorResponse413
from .delete_vector_response_503 import DeleteVectorResponse503
from .delete_vector_response_504 import DeleteVectorResponse504
from .delete_vectors_response_200 import DeleteVectorsResponse200
from .delete_vectors_response_400 import DeleteVectorsResponse400
from .delete_vectors_response_404 import DeleteVectorsResponse404
from .delete_vectors_response_409 import DeleteVectorsResponse409
from .delete_vectors_response_413 import DeleteVectorsResponse413
from .delete_vectors_response_503 import DeleteVectorsResponse503
from .delete_vectors_response_504 import DeleteVectorsResponse504
from .drop_database_response_400 import DropDatabaseResponse400
from .drop_database_response_404 import DropDatabaseResponse404
from .drop_database_response_409 import DropDatabaseResponse409
from .drop_database_response_503 import DropDatabaseResponse503
from .get_database_response_200 import GetDatabaseResponse200
from .get_database_response_200_index import GetDatabaseResponse200Index
from .get_database_response_200_metric import GetDatabaseResponse200Metric
from .get_database_response_400 import GetDatabaseResponse400
from .get_database_response_404 import GetDatabaseResponse404
from .get_database_response_409 import GetDatabaseResponse409
from .get_database_response_503 import GetDatabaseResponse503
from .get_vector_consistency import GetVectorConsistency
from .get_vector_response_200 import GetVectorResponse200
from .get_vector_response_400 import GetVectorResponse400
from .get_vector_response_404 import GetVectorResponse404
from .get_vector_response_409 import GetVectorResponse409
from .get_vector_response_413 import GetVectorResponse413
from .get_vector_response_503 import GetVectorResponse503
from .get_vector_response_504 import GetVectorResponse504
from .get_vectors_body import GetVectorsBody
from .get_vectors_body_consistency_type_0 import GetVectorsBodyConsistencyType0
from .get_vectors_body_consistency_type_1 import GetVectorsBodyConsistencyType1
from .get_vectors_response_200 import GetVectorsResponse200
from .get_vectors_response_200_vectors_item import GetVectorsResponse200VectorsItem
from .get_vectors_response_400 import GetVectorsResponse400
from .get_vectors_response_404 import GetVectorsResponse404
from .get_vectors_response_409 import GetVectorsResponse409
from .get_vectors_response_413 import GetVectorsResponse413
from .get_vectors_response_503 import GetVectorsResponse503
from .get_vectors_response_504 import GetVectorsResponse504
from .list_api_keys_response_200 import ListApiKeysResponse200
from .list_api_keys_response_200_keys_item import ListApiKeysResponse200KeysItem
from .list_audit_events_outcome import ListAuditEventsOutcome
from .list_databases_response_200 import ListDatabasesResponse200
from .list_databases_response_200_databases_item import ListDatabasesResponse200DatabasesItem
from .list_databases_response_200_databases_item_index import ListDatabasesResponse200DatabasesItemIndex
from .list_databases_response_200_databases_item_metric import ListDatabasesResponse200DatabasesItemMetric
from .list_vectors_consistency import ListVectorsConsistency
from .list_vectors_response_200 import ListVectorsResponse200
from .list_vectors_response_200_vectors_item import ListVectorsResponse200VectorsItem
from .list_vectors_response_400 import ListVectorsResponse400
from .list_vectors_response_404 import ListVectorsResponse404
from .list_vectors_response_409 import ListVectorsResponse409
from .list_vectors_response_413 import ListVectorsResponse413
from .list_vectors_response_503 import ListVectorsResponse503
from .list_vectors_response_504 import ListVectorsResponse504
from .patch_vector_metadata_body import PatchVectorMetadataBody
from .patch_vector_metadata_body_metadata_type_0 import PatchVectorMetadataBodyMetadataType0
from .patch_vector_metadata_response_200 import PatchVectorMetadataResponse200
from .patch_vector_metadata_response_400 import PatchVectorMetadataResponse400
from .patch_vector_metadata_response_404 import PatchVectorMetadataResponse404
from .patch_vector_metadata_response_409 import PatchVectorMetadataResponse409
from .patch_vector_metadata_response_413 import PatchVectorMetadataResponse413
from .patch_vector_metadata_response_503 import PatchVectorMetadataResponse503
from .patch_vector_metadata_response_504 import PatchVectorMetadataResponse504
from .put_database_body import PutDatabaseBody
from .put_database_body_index import PutDatabaseBodyIndex
from .put_database_response_200 import PutDatabaseResponse200
from .put_database_response_200_index import PutDatabaseResponse200Index
from .put_database_response_200_metric import PutDatabaseResponse200Metric
from .put_database_response_400 import PutDatabaseResponse400
from .put_database_response_404 import PutDatabaseResponse404
from .put_database_response_409 import PutDatabaseResponse409
from .put_database_response_503 import PutDatabaseResponse503
from .put_vector_body import PutVectorBody
from .put_vector_body_metadata_type_0 import PutVectorBodyMetadataType0
from .put_vector_response_200 import PutVectorResponse200
from .put_vector_response_400 import PutVectorResponse400
from .put_vector_response_404 import PutVectorResponse404
from .put_vector_response_409 import PutVectorResponse409
from .put_vector_response_413 import PutVectorResponse413
from .put_vector_response_503 import PutVectorResponse503
from .put_vector_response_504 import PutVectorResponse504
from .revoke_api_key_response_400 import RevokeApiKeyResponse400
from .revoke_api_key_response_401 import RevokeApiKeyResponse401
from .revoke_api_key_response_403 import RevokeApiKeyResponse403
from .revoke_api_key_response_404 import RevokeApiKeyResponse404
from .revoke_api_key_response_503 import RevokeApiKeyResponse503
from .scroll_vectors_body import ScrollVectorsBody
from .scroll_vectors_body_consistency_type_0 import ScrollVectorsBodyConsistencyType0
from .scroll_vectors_body_consistency_type_1 import ScrollVectorsBodyConsistencyType1
from .scroll_vectors_body_filter import ScrollVectorsBodyFilter
from .scroll_vectors_response_200 import ScrollVectorsResponse200
from .scroll_vectors_response_200_vectors_item import ScrollVectorsResponse200VectorsItem
from .scroll_vectors_response_400 import ScrollVectorsResponse400
from .scroll_vectors_response_404 import ScrollVectorsResponse404
from .scroll_vectors_response_409 import ScrollVectorsResponse409
from .scroll_vectors_response_413 import ScrollVectorsResponse413
from .scroll_vectors_response_503 import ScrollVectorsResponse503
from .scroll_vectors_response_504 import ScrollVectorsResponse504
from .search_batch_body import SearchBatchBody
from .search_batch_body_searches_item import SearchBatchBodySearchesItem
from .search_batch_body_searches_item_consistency_type_0 import SearchBatchBodySearchesItemConsistencyType0
from .search_batch_body_searches_item_consistency_type_1 import SearchBatchBodySearchesItemConsistencyType1
from .search_batch_body_searches_item_filter import SearchBatchBodySearchesItemFilter
from .search_batch_response_200 import SearchBatchResponse200
from .search_batch_response_200_results_item_item import SearchBatchResponse200ResultsItemItem
from .search_batch_response_400 import SearchBatchResponse400
from .search_batch_response_404 import SearchBatchResponse404
from .search_batch_response_409 import SearchBatchResponse409
from .search_batch_response_413 import SearchBatchResponse413
from .search_batch_response_503 import SearchBatchResponse503
from .search_batch_response_504 import SearchBatchResponse504
from .search_body import SearchBody
from .search_body_consistency_type_0 import SearchBodyConsistencyType0
from .search_body_consistency_type_1 import SearchBodyConsistencyType1
from .search_body_filter import SearchBodyFilter
from .search_response_200 import SearchResponse200
from .search_response_200_results_item import SearchResponse200ResultsItem
from .search_response_400 import SearchResponse400
from .search_response_404 import SearchResponse404
from .search_response_409 import SearchResponse409
from .search_response_413 import SearchResponse413
from .search_response_503 import SearchResponse503
from .search_response_504 import SearchResponse504
from .set_audit_level_body import SetAuditLevelBody
from .set_audit_level_body_level import SetAuditLevelBodyLevel
from .update_database_body import UpdateDatabaseBody
from .update_database_body_index import UpdateDatabaseBodyIndex
from .update_database_response_200 import UpdateDatabaseResponse200
from .update_database_response_200_index import UpdateDatabaseResponse200Index
from .update_database_response_200_metric import UpdateDatabaseResponse200Metric
from .update_database_response_400 import UpdateDatabaseResponse400
from .update_database_response_404 import UpdateDatabaseResponse404
from .update_database_response_409 import UpdateDatabaseResponse409
from .update_database_response_503 import UpdateDatabaseResponse503
from .upsert_vector_body import UpsertVectorBody
from .upsert_vector_body_metadata_type_0 import UpsertVectorBodyMetadataType0
from .upsert_vector_response_201 import UpsertVectorResponse201
from .upsert_vector_response_400 import UpsertVectorResponse400
from .upsert_vector_response_404 import UpsertVectorResponse404
from .upsert_vector_response_409 import UpsertVectorResponse409
from .upsert_vector_response_413 import UpsertVectorResponse413
from .upsert_vector_response_503 import UpsertVectorResponse503
from .upsert_vector_response_504 import UpsertVectorResponse504
from .upsert_vectors_body import UpsertVectorsBody
from .upsert_vectors_body_vectors_item import UpsertVectorsBodyVectorsItem
from .upsert_vectors_body_vectors_item_metadata_type_0 import UpsertVectorsBodyVectorsItemMetadataType0
from .upsert_vectors_response_201 import UpsertVectorsResponse201
from .upsert_vectors_response_400 import UpsertVectorsResponse400
from .upsert_vectors_response_404 import UpsertVectorsResponse404
from .upsert_vectors_response_409 import UpsertVectorsResponse409
from .upsert_vectors_response_413 import UpsertVectorsResponse413
from .upsert_vectors_response_503 import UpsertVectorsResponse503
from .upsert_vectors_response_504 import UpsertVectorsResponse504

__all__ = (
    "CountVectorsBody",
    "CountVectorsBodyConsistencyType0",
    "CountVectorsBodyConsistencyType1",
    "CountVectorsBodyFilter",
    "CountVectorsResponse200",
    "CountVectorsResponse400",
    "CountVectorsResponse404",
    "CountVectorsResponse409",
    "CountVectorsResponse413",
    "CountVectorsResponse503",
    "CountVectorsResponse504",
    "CreateApiKeyBody",
    "CreateApiKeyBodyDatabasesType0",
    "CreateApiKeyBodyRolesItem",
    "CreateApiKeyResponse201",
    "CreateApiKeyResponse400",
    "CreateApiKeyResponse401",
    "CreateApiKeyResponse403",
    "CreateApiKeyResponse404",
    "CreateApiKeyResponse503",
    "CreateDatabaseBody",
    "CreateDatabaseBodyIndex",
    "CreateDatabaseBodyMetric",
    "CreateDatabaseResponse201",
    "CreateDatabaseResponse201Index",
    "CreateDatabaseResponse201Metric",
    "CreateDatabaseResponse400",
    "CreateDatabaseResponse404",
    "CreateDatabaseResponse409",
    "CreateDatabaseResponse503",
    "DeleteVectorResponse200",
    "DeleteVectorResponse400",
    "DeleteVectorResponse404",
    "DeleteVectorResponse409",
    "DeleteVectorResponse413",
    "DeleteVectorResponse503",
    "DeleteVectorResponse504",
    "DeleteVectorsResponse200",
    "DeleteVectorsResponse400",
    "DeleteVectorsResponse404",
    "DeleteVectorsResponse409",
    "DeleteVectorsResponse413",
    "DeleteVectorsResponse503",
    "DeleteVectorsResponse504",
    "DropDatabaseResponse400",
    "DropDatabaseResponse404",
    "DropDatabaseResponse409",
    "DropDatabaseResponse503",
    "GetDatabaseResponse200",
    "GetDatabaseResponse200Index",
    "GetDatabaseResponse200Metric",
    "GetDatabaseResponse400",
    "GetDatabaseResponse404",
    "GetDatabaseResponse409",
    "GetDatabaseResponse503",
    "GetVectorConsistency",
    "GetVectorResponse200",
    "GetVectorResponse400",
    "GetVectorResponse404",
    "GetVectorResponse409",
    "GetVectorResponse413",
    "GetVectorResponse503",
    "GetVectorResponse504",
    "GetVectorsBody",
    "GetVectorsBodyConsistencyType0",
    "GetVectorsBodyConsistencyType1",
    "GetVectorsResponse200",
    "GetVectorsResponse200VectorsItem",
    "GetVectorsResponse400",
    "GetVectorsResponse404",
    "GetVectorsResponse409",
    "GetVectorsResponse413",
    "GetVectorsResponse503",
    "GetVectorsResponse504",
    "ListApiKeysResponse200",
    "ListApiKeysResponse200KeysItem",
    "ListAuditEventsOutcome",
    "ListDatabasesResponse200",
    "ListDatabasesResponse200DatabasesItem",
    "ListDatabasesResponse200DatabasesItemIndex",
    "ListDatabasesResponse200DatabasesItemMetric",
    "ListVectorsConsistency",
    "ListVectorsResponse200",
    "ListVectorsResponse200VectorsItem",
    "ListVectorsResponse400",
    "ListVectorsResponse404",
    "ListVectorsResponse409",
    "ListVectorsResponse413",
    "ListVectorsResponse503",
    "ListVectorsResponse504",
    "PatchVectorMetadataBody",
    "PatchVectorMetadataBodyMetadataType0",
    "PatchVectorMetadataResponse200",
    "PatchVectorMetadataResponse400",
    "PatchVectorMetadataResponse404",
    "PatchVectorMetadataResponse409",
    "PatchVectorMetadataResponse413",
    "PatchVectorMetadataResponse503",
    "PatchVectorMetadataResponse504",
    "PutDatabaseBody",
    "PutDatabaseBodyIndex",
    "PutDatabaseResponse200",
    "PutDatabaseResponse200Index",
    "PutDatabaseResponse200Metric",
    "PutDatabaseResponse400",
    "PutDatabaseResponse404",
    "PutDatabaseResponse409",
    "PutDatabaseResponse503",
    "PutVectorBody",
    "PutVectorBodyMetadataType0",
    "PutVectorResponse200",
    "PutVectorResponse400",
    "PutVectorResponse404",
    "PutVectorResponse409",
    "PutVectorResponse413",
    "PutVectorResponse503",
    "PutVectorResponse504",
    "RevokeApiKeyResponse400",
    "RevokeApiKeyResponse401",
    "RevokeApiKeyResponse403",
    "RevokeApiKeyResponse404",
    "RevokeApiKeyResponse503",
    "ScrollVectorsBody",
    "ScrollVectorsBodyConsistencyType0",
    "ScrollVectorsBodyConsistencyType1",
    "ScrollVectorsBodyFilter",
    "ScrollVectorsResponse200",
    "ScrollVectorsResponse200VectorsItem",
    "ScrollVectorsResponse400",
    "ScrollVectorsResponse404",
    "ScrollVectorsResponse409",
    "ScrollVectorsResponse413",
    "ScrollVectorsResponse503",
    "ScrollVectorsResponse504",
    "SearchBatchBody",
    "SearchBatchBodySearchesItem",
    "SearchBatchBodySearchesItemConsistencyType0",
    "SearchBatchBodySearchesItemConsistencyType1",
    "SearchBatchBodySearchesItemFilter",
    "SearchBatchResponse200",
    "SearchBatchResponse200ResultsItemItem",
    "SearchBatchResponse400",
    "SearchBatchResponse404",
    "SearchBatchResponse409",
    "SearchBatchResponse413",
    "SearchBatchResponse503",
    "SearchBatchResponse504",
    "SearchBody",
    "SearchBodyConsistencyType0",
    "SearchBodyConsistencyType1",
    "SearchBodyFilter",
    "SearchResponse200",
    "SearchResponse200ResultsItem",
    "SearchResponse400",
    "SearchResponse404",
    "SearchResponse409",
    "SearchResponse413",
    "SearchResponse503",
    "SearchResponse504",
    "SetAuditLevelBody",
    "SetAuditLevelBodyLevel",
    "UpdateDatabaseBody",
    "UpdateDatabaseBodyIndex",
    "UpdateDatabaseResponse200",
    "UpdateDatabaseResponse200Index",
    "UpdateDatabaseResponse200Metric",
    "UpdateDatabaseResponse400",
    "UpdateDatabaseResponse404",
    "UpdateDatabaseResponse409",
    "UpdateDatabaseResponse503",
    "UpsertVectorBody",
    "UpsertVectorBodyMetadataType0",
    "UpsertVectorResponse201",
    "UpsertVectorResponse400",
    "UpsertVectorResponse404",
    "UpsertVectorResponse409",
    "UpsertVectorResponse413",
    "UpsertVectorResponse503",
    "UpsertVectorResponse504",
    "UpsertVectorsBody",
    "UpsertVectorsBodyVectorsItem",
    "UpsertVectorsBodyVectorsItemMetadataType0",
    "UpsertVectorsResponse201",
    "UpsertVectorsResponse400",
    "UpsertVectorsResponse404",
    "UpsertVectorsResponse409",
    "UpsertVectorsResponse413",
    "UpsertVectorsResponse503",
    "UpsertVectorsResponse504",
)
