"""Settings, read from REACHGRAPH_* environment variables (each is listed in docs/settings.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_store() -> str:
    return str(Path(user_data_dir("reachgraph")) / "store")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REACHGRAPH_", extra="ignore")

    store: str = Field(
        default_factory=default_store,
        description="Where the graph lives: a directory for the embedded store, or a "
        "neo4j://, neo4j+s:// or bolt:// URI for Neo4j.",
    )
    neo4j_user: str = Field("neo4j", description="Neo4j user name.")
    neo4j_password: SecretStr = Field(SecretStr(""), description="Neo4j password.")
    neo4j_database: str = Field("neo4j", description="Neo4j database name.")
    embedded_memory_mb: int | None = Field(
        None,
        gt=0,
        description="Most memory the embedded store may use in each process that opens it "
        "(LadybugDB's buffer pool: the graph's pages it keeps and its queries' working "
        "memory), in MB; unset: LadybugDB's default, 80% of the machine's memory. A query "
        "that needs more fails. Not used with Neo4j.",
    )
    query_timeout: float = Field(10.0, gt=0, description="Time limit of one read query, seconds.")
    row_cap: int = Field(1000, gt=0, description="Most rows a free read query returns.")
    host: str = Field("127.0.0.1", description="Address the API listens on.")
    port: int = Field(8000, description="Port the API listens on.")
    response_cache_mb: float = Field(
        32,
        ge=0,
        description="Memory each API worker may give to whole answers of GET routes, kept "
        "while the data does not change, in MB; 0 turns the cache off.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins that browsers may call the API from, comma-separated "
        "(`*` for any); none by default.",
    )
    api_key: SecretStr | None = Field(
        None,
        description="The key that POST /ingest requires in the X-API-Key header; unset, "
        "the API takes no writes.",
    )

    ingest_per_minute: int = Field(
        10,
        gt=0,
        description="Most POST /ingest requests the API takes from one client address in a "
        "minute (counted before the key is checked); more are answered 429.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
