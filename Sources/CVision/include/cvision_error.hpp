// Shared by the CVision and CDlib sources (C++ only, not part of the module): turns C++
// exceptions into the C error convention of cvk_last_error().
#pragma once
#include <exception>
#include <string>

namespace cvk {
void set_error(const std::string &message);

template <typename F>
int guarded(F &&body) {
    try {
        body();
        return 0;
    } catch (const std::exception &e) {
        set_error(e.what());
    } catch (...) {
        set_error("unknown C++ exception");
    }
    return -1;
}
}  // namespace cvk
