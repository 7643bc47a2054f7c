// PostgreSQL → PostgreSQL column rules: the declared type is kept; findings come from
// version differences (types newer than the target), encodings, collations and
// extension types that must exist on the target.

#include "core/text.h"
#include "typemap/mapper_internal.h"
#include "typemap/spatial.h"

namespace ferry::typemap::detail {
namespace {

struct MinVersion {
  const char* type;
  int major;
  int minor;
};

/// First PostgreSQL release with each built-in type that older targets lack.
constexpr MinVersion kTypeSince[] = {
    {"jsonb", 9, 4},     {"pg_lsn", 9, 4},       {"regnamespace", 9, 5}, {"regrole", 9, 5},
    {"jsonpath", 12, 0}, {"xid8", 13, 0},        {"pg_snapshot", 13, 0}, {"regcollation", 13, 0},
};

bool isTextLike(const std::string& b) {
  return b == "text" || b == "character varying" || b == "character" || b == "bpchar" || b == "json" ||
         b == "xml" || b == "name" || b == "citext";
}

}  // namespace

void mapPgToPg(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m) {
  const std::string w = who(t, c);
  const auto& ty = c.type;
  const std::string& b = ty.base;
  m.targetType = ty.declared;
  const auto& tv = ctx.targetVersion;

  for (const auto& mv : kTypeSince) {
    if (b == mv.type && !tv.atLeast(mv.major, mv.minor)) {
      m.conversion = ConversionId::Unsupported;
      addFinding(m, "PG2PG_TYPE_TOO_NEW", Severity::Unsupported,
                 w + " is " + b + ", which PostgreSQL " + std::to_string(mv.major) + "." + std::to_string(mv.minor) +
                     " introduced; the target runs " + tv.text + ".",
                 b == "jsonb" ? "Override the type with json, or upgrade the target." : "Override the type with text, or upgrade the target.");
    }
  }
  if (core::endsWith(b, "multirange") && !tv.atLeast(14)) {
    m.conversion = ConversionId::Unsupported;
    addFinding(m, "PG2PG_TYPE_TOO_NEW", Severity::Unsupported,
               w + " is " + b + "; multirange types need PostgreSQL 14 and the target runs " + tv.text + ".",
               "Override the type with text or an array of ranges, or upgrade the target.");
  }
  if (b == "numeric" && !ty.precision && ctx.sourceVersion.atLeast(14) && !tv.atLeast(14)) {
    addFinding(m, "PG2PG_NUMERIC_INFINITY", Severity::Lossy,
               w + " is numeric: PostgreSQL 14+ accepts Infinity in numeric, the target (" + tv.text + ") does not; such values fail.",
               "Run the data scan; replace Infinity at the source if it finds any.");
  }
  if (b == "numeric" && ty.scale && *ty.scale < 0 && !tv.atLeast(15)) {
    m.targetType = "numeric(" + std::to_string(*ty.precision - *ty.scale) + ",0)";
    addFinding(m, "PG2PG_NUMERIC_NEGATIVE_SCALE", Severity::Review,
               w + " is " + ty.declared + "; negative scales need PostgreSQL 15, so it becomes " + m.targetType +
                   ", which holds every value but no longer rounds new ones.",
               "Round new values in the application if it relied on the rounding.");
  }
  if (ty.userDefined && ty.typeSchema != "pg_catalog") {
    if (const auto* ut = ctx.userTypes.find(ty.typeSchema, b)) {
      m.createType = *ut;  // recreated as it is; the DDL generator writes it before the table
      m.targetType = quoteQualified(model::Engine::PostgreSQL, ty.typeSchema, b) + (ty.arrayDims > 0 ? "[]" : "");
    } else if (spatial::parsePostgisType(b, ty.declared)) {
      // PostGIS: the pre-data creates the extension when the target lacks it.
      m.extension = "postgis";
      m.extensionSchema = ctx.postgisSchema.empty() ? ty.typeSchema : ctx.postgisSchema;
      if (!ctx.postgisSchema.empty() && ctx.postgisSchema != ty.typeSchema) {
        m.targetType = quoteQualified(model::Engine::PostgreSQL, ctx.postgisSchema, b) +
                       ty.declared.substr(std::min(ty.declared.size(), ty.declared.find('(')));
      }
      if (ctx.postgis == PostgisState::Unavailable) {
        m.conversion = ConversionId::Unsupported;
        addFinding(m, "PG2PG_POSTGIS_UNAVAILABLE", Severity::Unsupported,
                   w + " is a PostGIS " + b + ", but " + ctx.postgisWhy + ".",
                   "Install PostGIS on the target (Debian: postgresql-15-postgis-3) and CREATE EXTENSION postgis as a superuser.");
      } else if (ctx.postgis != PostgisState::Installed) {
        addFinding(m, "PG2PG_POSTGIS_CREATED", Severity::Review,
                   w + " is a PostGIS " + b + ": the pre-data runs CREATE EXTENSION IF NOT EXISTS postgis on the target.",
                   "Check that the target server has PostGIS of the same major version (Debian: postgresql-15-postgis-3).");
      }
    } else {
      addFinding(m, "PG2PG_EXTENSION_TYPE", Severity::Review,
                 w + " has the type " + ty.typeSchema + "." + b + ", which comes from an extension (or is not in the selected schemas).",
                 "Create the extension (same or compatible version) on the target before the schema.");
    }
  }
  if (!ty.collation.empty() && ty.collation != "C" && ty.collation != "POSIX" && ty.collation != "default" &&
      ty.collation != "ucs_basic") {
    addFinding(m, "PG2PG_COLLATION", Severity::Review,
               w + " uses the collation \"" + ty.collation + "\", which must exist on the target; a different libc/ICU version may sort differently.",
               "Create the collation on the target and REINDEX indexes on the column if the library version differs.");
  }
  if (core::toUpper(ctx.sourceEncoding) == "SQL_ASCII" && isTextLike(b)) {
    addFinding(m, "PG2PG_SQL_ASCII", Severity::Lossy,
               w + " is text in a SQL_ASCII database, which never validated its bytes; bytes invalid in the target encoding fail.",
               "Run the data scan for invalid UTF-8; convert or bytea-encode those values first.");
  }

  // Identity, serial defaults and other defaults are carried as they are.
  m.defaultExpr = c.defaultExpr;
  m.identity = c.identity;
  if (c.identity != model::Identity::None && !tv.atLeast(10)) {
    m.identity = model::Identity::None;
    m.defaultExpr = "nextval(" + quoteLiteral(model::Engine::PostgreSQL, t.name + "_" + c.name + "_seq") + "::regclass)";
    addFinding(m, "PG2PG_IDENTITY_AS_SERIAL", Severity::Review,
               w + " is an identity column; the target (" + tv.text + ") predates identity columns, so it becomes a serial.",
               "None; the DDL generator creates the sequence.");
  }
}

}  // namespace ferry::typemap::detail
