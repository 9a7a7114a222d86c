#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace claimkit::io {

/// One input: a named file or standard input ("-"). Reads raw bytes; opening
/// or reading failures are claimkit::error with exit code 3.
class input {
 public:
  explicit input(const std::string& path);
  input(input&& other) noexcept;
  input(const input&) = delete;
  input& operator=(const input&) = delete;
  input& operator=(input&&) = delete;
  ~input();

  /// Reads up to n bytes; returns 0 at end of input.
  std::size_t read(char* buf, std::size_t n);
  /// The name used in messages: the path, or "<stdin>".
  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }
  bool is_stdin() const { return path_ == "-"; }
  /// The open descriptor, for a reader that maps a regular file instead of
  /// copying it through read(); such a reader must leave the file offset
  /// where its reads are to continue.
  int fd() const { return fd_; }
  /// For such a reader: true, with the file's size and the offset read(2)
  /// stands at, when the input is a regular file that is not empty; false
  /// for anything else (pipes, terminals, special files).
  bool regular_file(std::uint64_t& size, std::uint64_t& offset) const;
  /// [at, at + len) of the file mapped read-only, its page tables filled up
  /// front (one call instead of a fault every few pages); null on failure.
  /// Release it with ::munmap.
  char* map(std::uint64_t at, std::size_t len) const;
  static std::size_t page_size();

 private:
  int fd_ = -1;
  std::string path_;
  std::string name_;
};

/// The display name of an input path: "<stdin>" for "-".
std::string display_name(const std::string& path);

}  // namespace claimkit::io
