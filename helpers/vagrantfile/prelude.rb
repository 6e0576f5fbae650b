# The sandbox's Ruby side: a recording Vagrant DSL, guards that keep file access inside the
# repository copy, and shell-outs that run nothing. Loaded into a fresh CRuby (WebAssembly)
# before the Vagrantfile; IotSandbox.run loads the Vagrantfile and returns the recording as JSON.
require 'json'
require 'stringio'
require 'shellwords'
require 'open3'
require 'etc'
require 'rbconfig'

Object.autoload(:Gem, 'rubygems')
Object.autoload(:Set, 'set')
# Vagrant has loaded these before it reads a Vagrantfile, which may use them without a require.
Object.autoload(:FileUtils, 'fileutils')
Object.autoload(:Pathname, 'pathname')

module IotSandbox
  # Where the repository copy is mounted inside the sandbox (a WASI preopen).
  ROOT = '/repo'
  # Ruby's own library lives in the WebAssembly image, not on the host: rubygems (loaded when a
  # Vagrantfile names Gem::Version) and the standard library read their files there.
  RUBY_LIBRARY = File.dirname(RbConfig::CONFIG['rubylibdir'])
  LIBRARY_READS = %w[File.read File.readlines File.foreach File.binread File.size File.stat File.lstat File.mtime
                     File.ctime File.atime File.readlink File.realpath Dir.entries Dir.children Dir.each_child
                     Dir.foreach Dir.open].freeze
  MAX_NOTES = 40

  # A read or write of a path outside the repository copy.
  class OutsideRepository < StandardError; end
  # A repository file the grader could not read as text (binary, symlink outside …).
  class UnreadableFile < StandardError; end

  @notes = []
  @problems = {}
  @configured = false
  @configure_location = nil
  @root_config = nil
  @defines = []

  class << self
    attr_reader :notes, :problems
    attr_accessor :root_config

    def note(message)
      @notes << message if @notes.size < MAX_NOTES && !@notes.include?(message)
    end

    def relative(path)
      path = path.to_s
      path.start_with?("#{ROOT}/") ? path[(ROOT.size + 1)..] : path
    end

    # The innermost place in the repository that called into the sandbox.
    def location
      found = caller_locations(1).find { |l| l.path.to_s.start_with?("#{ROOT}/") }
      found ? { 'file' => relative(found.path), 'line' => found.lineno } : nil
    end

    def where
      l = location
      l ? "#{l['file']}:#{l['line']}" : relative(@vagrantfile)
    end

    def expand(path)
      path = path.to_path if path.respond_to?(:to_path)
      return nil unless path.is_a?(String)
      File.expand_path(path)
    rescue ArgumentError
      nil
    end

    def inside?(full)
      full == ROOT || full.start_with?("#{ROOT}/")
    end

    def ruby_library?(full)
      full.start_with?("#{RUBY_LIBRARY}/")
    end

    # Raises for a path outside the repository or a repository file the grader could not read;
    # for a read, also for a missing file, named from the repository root.
    def check_access!(path, operation, read: false)
      return if path.is_a?(Integer) || path.is_a?(IO)
      full = expand(path)
      return if full.nil?
      return if ruby_library?(full) && (read || LIBRARY_READS.include?(operation))
      unless inside?(full)
        @refusal = "#{where}: #{operation}(#{full.inspect}) refused: the path is outside the repository"
        note(@refusal)
        raise OutsideRepository, "#{operation}(#{full.inspect}): #{full} is outside the repository; the grader evaluates the Vagrantfile with only the repository's files"
      end
      problem = @problems[relative(full)]
      raise UnreadableFile, problem if problem
      raise Errno::ENOENT, "#{operation}(#{path.to_s.inspect}): #{relative(full)}" if read && !File.exist?(full)
    end

    # For predicates (File.exist? …): a path outside the repository reads as missing.
    def visible?(path, operation)
      return true if path.is_a?(Integer) || path.is_a?(IO)
      full = expand(path)
      return true if full.nil? || inside?(full) || ruby_library?(full)
      note("#{where}: #{operation}(#{full.inspect}) is outside the repository: the grader answered as if it did not exist")
      false
    end

    def pipe?(path)
      path.is_a?(String) && path.start_with?('|')
    end

    # --- shell-outs -----------------------------------------------------------------------

    def command_text(args)
      args = args.dup
      args.shift if args.first.is_a?(Hash)
      args.pop if args.last.is_a?(Hash)
      args = args.flatten.map { |a| a.is_a?(Array) ? a.first : a }
      args.map(&:to_s).join(' ').strip
    end

    # What a command prints in the sandbox: uname describes the reference host, anything else prints nothing.
    def command_output(args)
      text = command_text(args)
      words = begin
        Shellwords.split(text)
      rescue ArgumentError
        text.split
      end
      case words
      when %w[uname], %w[uname -s] then "Linux\n"
      when %w[uname -m], %w[uname -p], %w[uname -i], %w[arch] then "x86_64\n"
      when %w[uname -sm], %w[uname -s -m] then "Linux x86_64\n"
      else
        note("#{where}: the command `#{text[0, 80]}` was not run (the grader runs no command; it printed nothing)")
        ''
      end
    end

    def command_status(args)
      command_output(args).empty? ? false : true
    end

    # --- the recording --------------------------------------------------------------------

    def configure(_version)
      @configured = true
      @configure_location ||= location
      @root_config ||= Config.new
      yield @root_config if block_given?
      nil
    end

    def define(name, options, location, block)
      entry = @defines.find { |d| d[:name] == name.to_s }
      unless entry
        entry = { name: name.to_s, options: options, location: location, blocks: [] }
        @defines << entry
      end
      entry[:blocks] << block if block
      nil
    end

    # Runs each define block on a fresh config, as Vagrant does when it loads a machine, and
    # merges it over the global config.
    def machines
      root = @root_config
      if @defines.empty?
        return [root.vm.export('default', @configure_location)]
      end
      @defines.map do |entry|
        own = Config.new(machine: true)
        entry[:blocks].each { |block| block.call(own) }
        root.vm.merged_with(own.vm).export(entry[:name], entry[:location])
      end
    end

    # --- values to JSON -------------------------------------------------------------------

    def plain(value, depth = 0)
      return '…' if depth > 12
      case value
      when nil, true, false, Integer then value
      when Float then value.finite? ? value : value.to_s
      when String then value.dup.force_encoding('UTF-8').scrub('?')
      when Symbol then value.to_s
      when Array then value.first(500).map { |v| plain(v, depth + 1) }
      when Hash then value.first(500).to_h { |k, v| [plain_key(k), plain(v, depth + 1)] }
      when Recorder then plain(value.__recorded, depth + 1)
      when Proc, Method then '(code)'
      else
        value.respond_to?(:to_path) ? value.to_path.to_s : value.to_s
      end
    rescue StandardError
      '?'
    end

    def plain_key(key)
      key.is_a?(String) ? plain(key) : key.to_s
    end

    def string_or_nil(value)
      case value
      when nil, Recorder, Hash, Array, Proc then nil
      when String then plain(value)
      else
        plain(value.respond_to?(:to_path) ? value.to_path.to_s : value.to_s)
      end
    end

    # --- running the Vagrantfile ----------------------------------------------------------

    def run(job_json)
      job = JSON.parse(job_json)
      @vagrantfile = job['vagrantfile']
      @problems = job['problems'] || {}
      $stdout = StringIO.new
      $stderr = StringIO.new
      result = begin
        Dir.chdir(File.dirname(@vagrantfile))
        load(@vagrantfile)
        if @configured
          { 'ok' => true, 'machines' => machines, 'notes' => @notes }
        else
          { 'ok' => false, 'kind' => 'no-configuration', 'notes' => @notes }
        end
      rescue SyntaxError => e
        syntax_failure(e)
      rescue SystemExit => e
        failure('exit', e, "stops with exit #{e.status}#{e.message == 'exit' ? '' : " (#{e.message})"}")
      rescue Exception => e # rubocop:disable Lint/RescueException -- any error of the graded file is reported
        failure('exception', e, nil)
      end
      JSON.generate(result)
    rescue Exception => e # rubocop:disable Lint/RescueException
      JSON.generate({ 'ok' => false, 'kind' => 'internal', 'message' => "#{e.class}: #{e.message}"[0, 300] })
    end

    def clean(text)
      text.to_s.dup.force_encoding('UTF-8').scrub('?').gsub("#{ROOT}/", '')
    end

    # Prism's message: a header "file:line: syntax errors found", then source lines marked
    # "> N | code" each followed by caret lines "| ^~~ what is wrong".
    def syntax_failure(error)
      lines = clean(error.message).lines.map(&:chomp)
      header = lines.first.to_s
      file, line = header.match(/\A(.+?):(\d+):/)&.captures
      errors = []
      current = line&.to_i
      lines.drop(1).each do |text|
        if (marked = text.match(/\A>\s*(\d+)\s*\|/))
          current = marked[1].to_i
        elsif (caret = text.match(/\A\s*\|\s*\^~*\s+(.+)\z/))
          errors << [current, caret[1]]
        end
      end
      errors << [line&.to_i, header.sub(/\A.+?:\d+:\s*/, '')] if errors.empty?
      first_line, first = errors.first
      more = errors.drop(1).first(2).map { |l, m| "line #{l}: #{m}" }
      message = ([first] + more).join('; ')
      { 'ok' => false, 'kind' => 'syntax', 'file' => file, 'line' => first_line || line&.to_i,
        'message' => message[0, 400], 'notes' => @notes }
    end

    def failure(kind, error, text)
      place = (error.backtrace_locations || []).find { |l| l.path.to_s.start_with?("#{ROOT}/") }
      file = place && relative(place.path)
      line = place&.lineno
      unless place
        raw = (error.backtrace || []).find { |l| l.start_with?("#{ROOT}/") }
        file, line = raw.match(/\A(.+?):(\d+)/)&.captures if raw
        file &&= relative(file)
        line &&= line.to_i
      end
      message = text || clean(error.message).lines.first(3).join.strip
      notes = error.is_a?(OutsideRepository) ? @notes - [@refusal] : @notes
      { 'ok' => false, 'kind' => kind, 'class' => error.class.name, 'file' => file, 'line' => line,
        'message' => message[0, 500], 'notes' => notes }
    end
  end

  # Records every setting it is given: `x.name = v`, `x[k] = v`, calls with arguments (kept as
  # lists, such as `customize [...]`), and namespaces read without arguments (`config.ssh`).
  # A setting read before it is set answers a Recorder, as Vagrant answers its UNSET_VALUE.
  class Recorder
    def initialize
      @__values = {}
      @__namespaces = {}
      @__calls = {}
    end

    def __values = @__values

    def __recorded
      out = {}
      @__namespaces.each { |k, v| out[k] = v }
      @__calls.each { |k, v| out[k] = v }
      @__values.each { |k, v| out[k] = v }
      out
    end

    def __merge_from(other)
      other.__values.each { |k, v| @__values[k] = v }
      other.instance_variable_get(:@__namespaces).each { |k, v| @__namespaces[k] ||= v }
      other.instance_variable_get(:@__calls).each { |k, v| (@__calls[k] ||= []).concat(v) }
      self
    end

    def [](key) = @__values.fetch(key.to_s) { @__namespaces[key.to_s] ||= Recorder.new }

    def []=(key, value)
      @__values[key.to_s] = value
    end

    def method_missing(name, *args, **options, &block)
      key = name.to_s
      return super if key.start_with?('to_')

      if key.end_with?('=') && args.size == 1 && options.empty?
        @__values[key.chomp('=')] = args.first
      elsif args.empty? && options.empty? && block.nil?
        @__values.fetch(key) { @__namespaces[key] ||= Recorder.new }
      else
        arguments = options.empty? ? args : args + [options]
        (@__calls[key] ||= []) << (arguments.size == 1 ? arguments.first : arguments)
        if block
          begin
            block.call(Recorder.new)
          rescue StandardError => e
            IotSandbox.note("#{IotSandbox.where}: the block given to #{key} raised #{e.class} (ignored: the grader does not know this setting)")
          end
        end
        nil
      end
    end

    def respond_to_missing?(name, _include_private = false) = !name.to_s.start_with?('to_')

    def to_s = '(unset)'
    def inspect = '(unset)'
  end

  # The object a Vagrant.configure or define block receives.
  class Config < Recorder
    attr_reader :vm

    def initialize(machine: false)
      super()
      @vm = VM.new(self, machine)
    end
  end

  # config.vm: the settings a check reads are recorded with their location.
  class VM < Recorder
    attr_reader :networks, :providers, :provisioners, :synced_folders
    attr_accessor :box_location

    def initialize(owner, machine)
      super()
      @owner = owner
      @machine = machine
      @networks = []
      @providers = {}
      @provisioners = []
      @synced_folders = []
    end

    def self.options_of(args, options)
      merged = {}
      args.each { |a| merged.merge!(a) if a.is_a?(Hash) }
      merged.merge!(options)
      merged.to_h { |k, v| [k.to_s, v] }
    end

    def box=(value)
      @box_location = IotSandbox.location
      __values['box'] = value
    end

    def define(name, *args, **options, &block)
      if @machine
        IotSandbox.note("#{IotSandbox.where}: config.vm.define inside a define block is ignored, as Vagrant ignores it")
        return nil
      end
      IotSandbox.define(name, VM.options_of(args, options), IotSandbox.location, block)
    end

    def network(type, *args, **options)
      opts = VM.options_of(args, options)
      @networks << { 'type' => type.to_s, 'options' => opts, 'location' => IotSandbox.location }
      nil
    end

    def provider(name, *args, **options, &block)
      entry = (@providers[name.to_s] ||= { 'recorder' => Recorder.new, 'options' => {}, 'location' => IotSandbox.location })
      entry['options'].merge!(VM.options_of(args, options))
      block&.call(entry['recorder'], @owner)
      nil
    end

    def provision(name = nil, *args, **options, &block)
      opts = VM.options_of(args, options)
      type = opts.delete('type')
      label = type ? name : nil
      type ||= name
      settings = Recorder.new
      block&.call(settings)
      opts.merge!(settings.__values)
      @provisioners << { 'type' => type.to_s, 'name' => label&.to_s, 'settings' => opts, 'location' => IotSandbox.location }
      nil
    end

    def synced_folder(source, destination = nil, *args, **options)
      @synced_folders << { 'source' => source, 'destination' => destination,
                           'options' => VM.options_of(args, options), 'location' => IotSandbox.location }
      nil
    end

    # This machine's settings over the global ones, as Vagrant merges a define block's config.
    def merged_with(own)
      merged = VM.new(own.instance_variable_get(:@owner), true)
      merged.__merge_from(self)
      merged.__merge_from(own)
      merged.box_location = own.__values.key?('box') ? own.box_location : box_location
      merged.networks.concat(networks, own.networks)
      merged.provisioners.concat(provisioners, own.provisioners)
      merged.synced_folders.concat(synced_folders, own.synced_folders)
      [providers, own.providers].each do |source|
        source.each do |name, entry|
          target = (merged.providers[name] ||= { 'recorder' => Recorder.new, 'options' => {}, 'location' => entry['location'] })
          target['recorder'].__merge_from(entry['recorder'])
          target['options'].merge!(entry['options'])
          target['location'] = entry['location'] if entry['recorder'].__values.key?('memory') || entry['recorder'].__values.key?('cpus')
        end
      end
      merged
    end

    def export(name, location)
      values = __values
      {
        'name' => name,
        'location' => location,
        'box' => IotSandbox.string_or_nil(values['box']),
        'boxLocation' => box_location,
        'boxUrl' => IotSandbox.string_or_nil(Array(values['box_url']).first),
        'boxVersion' => IotSandbox.string_or_nil(values['box_version']),
        'hostname' => IotSandbox.string_or_nil(values['hostname']),
        'networks' => networks.map { |n| export_network(n) },
        'providers' => providers.to_h { |provider, entry| [provider, export_provider(entry)] },
        'provisioners' => provisioners.map { |p| export_provisioner(p) },
        'syncedFolders' => synced_folders.map { |f| IotSandbox.plain(f) },
      }
    end

    private

    def export_network(network)
      options = network['options'].dup
      ip = options.delete('ip')
      { 'type' => network['type'], 'ip' => IotSandbox.string_or_nil(ip), 'options' => IotSandbox.plain(options),
        'location' => network['location'] }
    end

    def export_provider(entry)
      settings = IotSandbox.plain(entry['options'].merge(entry['recorder'].__recorded))
      settings = {} unless settings.is_a?(Hash)
      memory = settings.delete('memory')
      cpus = settings.delete('cpus')
      { 'memory' => scalar(memory), 'cpus' => scalar(cpus), 'settings' => settings, 'location' => entry['location'] }
    end

    def scalar(value)
      value.is_a?(Hash) || value.is_a?(Array) ? nil : value
    end

    def export_provisioner(provisioner)
      settings = provisioner['settings'].dup
      inline = settings.delete('inline')
      path = settings.delete('path')
      env = settings.delete('env')
      args = settings.delete('args')
      {
        'type' => provisioner['type'],
        'name' => provisioner['name'],
        'inline' => inline.nil? || inline.is_a?(Recorder) ? nil : IotSandbox.plain(inline.is_a?(Array) ? inline.join("\n") : inline.to_s),
        'path' => IotSandbox.string_or_nil(path),
        'env' => env.is_a?(Hash) ? env.to_h { |k, v| [k.to_s, v.nil? ? '' : IotSandbox.plain(v.to_s)] } : {},
        'args' => export_args(args),
        'options' => IotSandbox.plain(settings),
        'location' => provisioner['location'],
      }
    end

    def export_args(args)
      case args
      when nil, Recorder then []
      when Array then args.flatten.map { |a| IotSandbox.plain(a.to_s) }
      else
        begin
          Shellwords.split(args.to_s)
        rescue ArgumentError
          args.to_s.split
        end
      end
    end
  end
end

module Vagrant
  VERSION = '2.4.3'

  def self.configure(version = '2', &block)
    IotSandbox.configure(version, &block)
  end

  def self.has_plugin?(*) = false
  def self.require_version(*) = nil
  def self.version?(*) = true

  def self.plugin(*)
    Class.new do
      def self.method_missing(*) = nil
      def self.respond_to_missing?(*) = true
    end
  end

  module Util
    module Platform
      def self.windows? = false
      def self.linux? = true
      def self.darwin? = false
      def self.wsl? = false
      def self.cygwin? = false
    end
  end
end

# --- Shell-outs run nothing -----------------------------------------------------------------
module Kernel
  alias_method :__iot_require, :require
  alias_method :__iot_open, :open
  private :__iot_require, :__iot_open

  private

  def `(command) = IotSandbox.command_output([command])
  def system(*args) = IotSandbox.command_status(args)
  def spawn(*args)
    IotSandbox.command_output(args)
    false
  end

  def exec(*args)
    IotSandbox.command_output(args)
    false
  end

  def fork(*) = nil
  def exit!(status = false) = raise(SystemExit.new(status == true ? 0 : (status == false ? 1 : status.to_i), 'exit!'))
  def sleep(*) = 0

  def open(path, *args, **options, &block)
    if IotSandbox.pipe?(path)
      io = StringIO.new(IotSandbox.command_output([path[1..]]))
      return block ? block.call(io) : io
    end
    IotSandbox.check_access!(path, 'open')
    __iot_open(path, *args, **options, &block)
  end

  def require(name)
    return false if %w[vagrant socket].include?(name.to_s)
    __iot_require(name)
  end

  module_function :`, :system, :spawn, :exec, :exit!, :sleep, :require
end

module Process
  def self.spawn(*args) = Kernel.spawn(*args)
  def self.exec(*args) = Kernel.exec(*args)
  def self.exit!(*args) = Kernel.exit!(*args)
end

module Socket
  # The address families ipaddr needs (it redefines Socket when they are missing).
  AF_UNSPEC = 0
  AF_INET = 2
  AF_INET6 = 10
  def self.gethostname = 'grader'
  def self.ip_address_list = []
end

module Etc
  def self.getlogin = nil
  def self.getpwuid(*) = nil
  def self.getpwnam(name) = raise(ArgumentError, "can't find user for #{name}")
end

module Open3
  def self.status(success)
    Struct.new(:success, :exitstatus) do
      def success? = success
      def to_i = exitstatus
    end.new(success, success ? 0 : 127)
  end

  def self.capture2(*args, **) = [out = IotSandbox.command_output(args), status(!out.empty?)]
  def self.capture2e(*args, **) = [out = IotSandbox.command_output(args), status(!out.empty?)]
  def self.capture3(*args, **) = [out = IotSandbox.command_output(args), '', status(!out.empty?)]

  def self.popen3(*args, **)
    out = IotSandbox.command_output(args)
    streams = [StringIO.new, StringIO.new(out), StringIO.new, Thread.current]
    block_given? ? yield(*streams) : streams
  end

  def self.popen2(*args, **)
    out = IotSandbox.command_output(args)
    streams = [StringIO.new, StringIO.new(out), Thread.current]
    block_given? ? yield(*streams) : streams
  end

  def self.popen2e(*args, **, &block) = popen2(*args, &block)
  def self.pipeline(*args, **) = args.map { |a| IotSandbox.command_output([a]) && status(false) }
  def self.pipeline_r(*args, **, &block) = popen2(*args, &block)
end

# --- Files: only the repository copy ----------------------------------------------------------
module IotSandbox
  module GuardedIO
    %i[read readlines foreach binread].each do |operation|
      define_method(operation) do |path, *args, **options, &block|
        if IotSandbox.pipe?(path)
          out = IotSandbox.command_output([path[1..]])
          return operation == :readlines ? out.lines : out
        end
        IotSandbox.check_access!(path, "File.#{operation}", read: true)
        super(path, *args, **options, &block)
      end
    end

    %i[write binwrite sysopen].each do |operation|
      define_method(operation) do |path, *args, **options, &block|
        IotSandbox.check_access!(path, "File.#{operation}")
        super(path, *args, **options, &block)
      end
    end

    def popen(*args, **, &block)
      io = StringIO.new(IotSandbox.command_output(args))
      block ? block.call(io) : io
    end

    def select(*) = nil
  end

  module GuardedFileClass
    %i[exist? file? directory? readable? size? zero? empty? symlink? executable? world_readable?].each do |predicate|
      define_method(predicate) do |path, *args|
        IotSandbox.visible?(path, "File.#{predicate}") ? super(path, *args) : (predicate == :size? ? nil : false)
      end
    end

    %i[size stat lstat mtime ctime atime readlink realpath delete unlink rename chmod truncate].each do |operation|
      define_method(operation) do |*paths, **options|
        paths.each { |p| IotSandbox.check_access!(p, "File.#{operation}") unless p.is_a?(Integer) }
        super(*paths, **options)
      end
    end

    def symlink(*) = raise(NotImplementedError, 'File.symlink: the grader does not create links')
    def link(*) = raise(NotImplementedError, 'File.link: the grader does not create links')
  end

  module GuardedFileInstance
    def initialize(path, *args, **options, &block)
      mode = args.first.is_a?(String) || args.first.is_a?(Integer) ? args.first : options[:mode]
      IotSandbox.check_access!(path, 'File.open', read: mode.nil? || mode.to_s.start_with?('r') && !mode.to_s.include?('+'))
      super
    end
  end

  module GuardedDirClass
    def exist?(path) = IotSandbox.visible?(path, 'Dir.exist?') ? super : false

    %i[entries children each_child foreach mkdir rmdir unlink delete].each do |operation|
      define_method(operation) do |path, *args, **options, &block|
        IotSandbox.check_access!(path, "Dir.#{operation}")
        super(path, *args, **options, &block)
      end
    end

    def glob(pattern, *args, **options, &block)
      patterns = Array(pattern).select do |p|
        fixed = p.to_s.sub(/[*?\[{].*\z/m, '')
        fixed = File.join(options[:base].to_s, fixed) if options[:base] && !fixed.start_with?('/')
        IotSandbox.visible?(fixed.empty? ? '.' : fixed, 'Dir.glob')
      end
      super(patterns, *args, **options, &block)
    end

    def [](*patterns, **options) = glob(patterns, **options)
  end

  module GuardedDirInstance
    def initialize(path, *args, **options)
      IotSandbox.check_access!(path, 'Dir.open')
      super
    end
  end
end

IO.singleton_class.prepend(IotSandbox::GuardedIO)
File.singleton_class.prepend(IotSandbox::GuardedFileClass)
File.prepend(IotSandbox::GuardedFileInstance)
Dir.singleton_class.prepend(IotSandbox::GuardedDirClass)
Dir.prepend(IotSandbox::GuardedDirInstance)

class Mutex
  def sleep(*) = 0
end
