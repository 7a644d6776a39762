#include "rules/field.h"

#include "parsers/structured_data.h"

namespace logsift::rules {

std::optional<FieldRef> parse_field_ref(std::string_view name) {
  using Kind = FieldRef::Kind;
  FieldRef ref;
  if (name == "message") ref.kind = Kind::kMessage;
  else if (name == "host") ref.kind = Kind::kHost;
  else if (name == "app") ref.kind = Kind::kApp;
  else if (name == "procid") ref.kind = Kind::kProcId;
  else if (name == "msgid") ref.kind = Kind::kMsgId;
  else if (name == "original") ref.kind = Kind::kOriginal;
  else if (name == "service.name") ref.kind = Kind::kServiceName;
  else if (name == "service.environment") ref.kind = Kind::kServiceEnvironment;
  else if (name == "service.owner") ref.kind = Kind::kServiceOwner;
  else if (name == "service.sla_tier") ref.kind = Kind::kServiceTier;
  else if (name.starts_with("labels.") && name.size() > 7) {
    ref.kind = Kind::kLabel;
    ref.label = std::string(name.substr(7));
  }
  else if (name.starts_with("json.") && name.size() > 5) {
    ref.kind = Kind::kJson;
    ref.json_path = std::string(name.substr(5));
  } else if (name.starts_with("sd.")) {
    // SD-IDs may contain dots (RFC 5424 allows any printable ASCII but '=', ' ', ']', '"');
    // PARAM-NAMEs in practice do not, so the last dot separates them.
    const std::string_view rest = name.substr(3);
    const auto dot = rest.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) return std::nullopt;
    const std::string_view id = rest.substr(0, dot), param = rest.substr(dot + 1);
    if (id.size() > parsers::kMaxSdNameBytes || param.size() > parsers::kMaxSdNameBytes) return std::nullopt;
    ref.kind = Kind::kSd;
    ref.sd_id = std::string(id);
    ref.sd_param = std::string(param);
  } else {
    return std::nullopt;
  }
  return ref;
}

std::string_view field_value(const parsers::Record& record, FieldRef::Kind kind) {
  using Kind = FieldRef::Kind;
  switch (kind) {
    case Kind::kMessage: return record.message;
    case Kind::kHost: return record.host;
    case Kind::kApp: return record.app;
    case Kind::kProcId: return record.procid;
    case Kind::kMsgId: return record.msgid;
    case Kind::kOriginal: return record.original;
    case Kind::kJson: return {};
    case Kind::kSd: return {};
    case Kind::kLabel: return {};
    case Kind::kServiceName: return record.context ? std::string_view(record.context->service) : std::string_view();
    case Kind::kServiceEnvironment: return record.context ? std::string_view(record.context->environment) : std::string_view();
    case Kind::kServiceOwner: return record.context ? std::string_view(record.context->owner) : std::string_view();
    case Kind::kServiceTier: return record.context ? std::string_view(record.context->sla_tier) : std::string_view();
  }
  return {};
}

std::string_view sd_param_value(std::string_view structured_data, std::string_view sd_id,
                                std::string_view param_name) {
  parsers::StructuredDataReader reader(structured_data);
  std::string_view id;
  while (reader.next_element(&id)) {
    if (id != sd_id) continue;
    parsers::SdParam param;
    while (reader.next_param(&param)) {
      if (param.name == param_name) return param.raw_value;
    }
  }
  return {};
}

std::string_view field_value(const parsers::Record& record, const FieldRef& field, int json_slot) {
  if (field.kind == FieldRef::Kind::kSd) return sd_param_value(record.structured_data, field.sd_id, field.sd_param);
  if (field.kind == FieldRef::Kind::kLabel) return record.context ? record.context->label(field.label) : std::string_view();
  if (field.kind != FieldRef::Kind::kJson) return field_value(record, field.kind);
  if (json_slot < 0 || json_slot >= record.extra_count) return {};
  return record.extra[static_cast<std::size_t>(json_slot)];
}

std::optional<std::string_view> named_record_field(const parsers::Record& record,
                                                   std::string_view name) {
  // Labels and structured data are read by name without building a FieldRef (whose strings may
  // allocate): group_by on them runs per incident.
  if (name.starts_with("labels.") && name.size() > 7) {
    return record.context ? record.context->label(name.substr(7)) : std::string_view();
  }
  if (name.starts_with("sd.")) {
    const std::string_view rest = name.substr(3);
    const auto dot = rest.rfind('.');  // as parse_field_ref: the last dot ends the SD-ID
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size()) return std::nullopt;
    return sd_param_value(record.structured_data, rest.substr(0, dot), rest.substr(dot + 1));
  }
  auto ref = parse_field_ref(name);
  if (!ref || ref->kind == FieldRef::Kind::kJson) return std::nullopt;
  return field_value(record, *ref, -1);
}

}  // namespace logsift::rules
