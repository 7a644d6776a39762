// Naming and reading the record fields that rules look at.
//
// parse_field_ref turns the spelling used in rule files ("message", "host", "json.log.level") into
// a FieldRef; field_value reads that field out of a parsed record. JSON paths are resolved through
// a slot table (the order in which the rule set asked the JSON parser for extra paths), so reading
// a field is an index, never a string comparison per message. Stateless; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "parsers/record.h"
#include "rules/rule.h"

namespace logsift::rules {

// nullopt for an unknown name.
std::optional<FieldRef> parse_field_ref(std::string_view name);

// The value of a non-JSON field of a record (empty for kJson: use the slot overload).
std::string_view field_value(const parsers::Record& record, FieldRef::Kind kind);

// The value of `field`; `json_slot` is the field's index into record.extra when it is a JSON path
// (negative: not requested, reads as empty).
std::string_view field_value(const parsers::Record& record, const FieldRef& field, int json_slot);

// A record field by group_by/example name ("host", "app", ...), for names that are not captures.
std::optional<std::string_view> named_record_field(const parsers::Record& record,
                                                   std::string_view name);

}  // namespace logsift::rules
