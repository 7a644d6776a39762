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

// The value of a header field of a record (empty for kJson and kSd: use the FieldRef overload).
std::string_view field_value(const parsers::Record& record, FieldRef::Kind kind);

// The value of `field`; `json_slot` is the field's index into record.extra when it is a JSON path
// (negative: not requested, reads as empty).
std::string_view field_value(const parsers::Record& record, const FieldRef& field, int json_slot);

// The raw value (escapes \" \\ \] as written) of PARAM-NAME `param_name` in the first SD-ELEMENT
// with SD-ID `sd_id`; empty when absent. Walks the SD text; allocates nothing.
std::string_view sd_param_value(std::string_view structured_data, std::string_view sd_id,
                                std::string_view param_name);

// A record field by group_by/example name ("host", "app", "sd.origin.ip", ...), for names that are
// not captures. nullopt for unknown names and for json.<path> (whose slot only a RuleSet knows).
std::optional<std::string_view> named_record_field(const parsers::Record& record,
                                                   std::string_view name);

}  // namespace logsift::rules
