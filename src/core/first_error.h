// The first exception thrown on any of a few worker threads, kept to be rethrown on the thread that
// started them once they are joined (a thread that lets an exception out ends the process).
#pragma once
#include <exception>
#include <mutex>

namespace sitescreen {

class FirstError {
public:
    // In a catch block: keeps the exception being handled, unless one is kept already.
    void capture() noexcept {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
    }
    void rethrow() const {
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::mutex mutex_;
    std::exception_ptr error_;
};

}  // namespace sitescreen
