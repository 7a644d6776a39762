// libFuzzer target: any text as a rule file. Loading must report errors, never crash.
#include <cstdint>
#include <string_view>

#include "rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  logsift::rules::LoadedRules loaded;
  logsift::rules::load_rule_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml", loaded);
  for (const auto& e : loaded.errors) (void)e.to_string();
  return 0;
}
