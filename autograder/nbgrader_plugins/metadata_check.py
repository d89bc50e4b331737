"""nbgrader's ``CheckCellMetadata``, with its schema checked once per process, not once per cell.

nbgrader validates each cell's nbgrader metadata with ``jsonschema.validate``,
which first checks the *schema itself* against JSON Schema's meta-schema:
nine tenths of the step's time (35 ms for a week01 notebook of 28 cells),
spent twice per submission (sanitising, then the autograded notebook), once
of them in the gradebook writer. Here the schema is checked and
compiled once; every rule nbgrader checks is still checked, by nbgrader's
own validator, and a notebook fails exactly where nbgrader's step fails it.
"""

import functools

import jsonschema
from nbgrader.nbgraderformat import ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from nbgrader.preprocessors import CheckCellMetadata as NbgraderCheckCellMetadata


class CheckCellMetadata(NbgraderCheckCellMetadata):
    """nbgrader's step (the same rules, errors and log), with :class:`MetadataValidator`."""

    def preprocess(self, nb, resources):
        try:
            MetadataValidator().validate_nb(nb)
        except ValidationError:
            # nbgrader's own step logs the traceback and raises its message: it does so here too
            return super().preprocess(nb, resources)
        return nb, resources


class _SchemaCheckedOnce(BaseMetadataValidator):
    """nbgrader's per-cell check of the schema version and the JSON schema, the schema compiled once."""

    def validate_cell(self, cell):
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        # what jsonschema.validate raises, less its check of the schema against the meta-schema
        error = jsonschema.exceptions.best_match(_compiled().iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class MetadataValidator(MetadataValidatorV3, _SchemaCheckedOnce):
    """nbgrader's current validator; its base's schema check is :class:`_SchemaCheckedOnce`'s."""


@functools.cache
def _compiled():
    """nbgrader's schema of the current version, checked against its meta-schema, compiled."""
    schema = MetadataValidatorV3().schema
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)
